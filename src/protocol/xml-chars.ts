// What XML 1.0 cannot carry at all (outside Char: most C0 controls, U+FFFE, U+FFFF, lone
// surrogates). Text with one of these is refused before it is sent: in a stanza it would make the
// server close the stream as not well-formed, or break a stream the server relays it to.
export const NOT_IN_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
