// A string's width in terminal columns. string-width compiles a large emoji regexp at its first
// use (~1 ms per process); printable ASCII, what tables almost always hold, is one column a
// character. The bundle also gives cli-table3 this function in place of string-width (scripts/bundle.mjs).
import stringWidth from "string-width";

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export default function textWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}
