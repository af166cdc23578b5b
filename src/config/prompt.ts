// Asks for a secret on the terminal without echoing it, or a line with echo. A question may quote
// a server's words (a form's labels and options): each of its lines is escaped like a table cell.
import { XmgrError } from "../errors.js";
import { sanitize } from "../output/sanitize.js";
import { registerSecret } from "../output/secrets.js";
import { withoutSpinner } from "../output/spinner.js";

/** The question as it may reach the terminal: its own line breaks kept, anything else escaped. */
export const safeQuestion = (question: string) => question.split("\n").map(sanitize).join("\n");

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

export function promptSecret(question: string): Promise<string> {
  return withoutSpinner(() => askSecret(question));
}

function askSecret(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(safeQuestion(question));
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  let answer = "";
  return new Promise((resolve, reject) => {
    const finish = (error?: XmgrError) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else {
        registerSecret(answer);
        resolve(answer);
      }
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003") return finish(new XmgrError("interrupted", "Cancelled (Ctrl-C): no password given; nothing was changed."));
        if (char === "\u0004") return finish(new XmgrError("usage", "Cancelled: no password given."));
        if (char === "\u007f" || char === "\b") answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    input.on("data", onData);
  });
}

/** A line typed with echo, on the terminal (stdin and stderr are TTYs). */
export function promptLine(question: string): Promise<string> {
  return withoutSpinner(() => askLine(question));
}

function askLine(question: string): Promise<string> {
  // Loaded here, not with the module: most runs never ask, and node:readline costs every start ~1 ms.
  const { createInterface } = process.getBuiltinModule("node:readline");
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    let interrupted = false;
    rl.on("SIGINT", () => {
      interrupted = true;
      rl.close();
    });
    rl.on("close", () => {
      if (!answered) {
        process.stderr.write("\n");
        reject(interrupted ? new XmgrError("interrupted", "Cancelled (Ctrl-C): nothing was changed.") : new XmgrError("usage", "Cancelled: nothing was changed."));
      }
    });
    rl.question(safeQuestion(question), (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

/** Questions for the person at this terminal, when there is one. */
export const terminalPrompts = {
  get canAsk() {
    return canPrompt();
  },
  line: promptLine,
  secret: promptSecret,
};
