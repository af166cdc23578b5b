/**
 * The command table is the one place a command is declared: every command of it has --help with
 * an example, the shell offers and completes it, the completion scripts offer it, and the man page
 * and the README's command table document it.
 */
import { describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { COMMANDS } from "../../src/commands/index.js";
import { commandPath, type CommandDef } from "../../src/commands/define.js";
import { buildProgram, commandsNamedIn } from "../../src/program.js";
import { completionScript } from "../../src/shell/completion-scripts.js";
import { shellCompleter } from "../../src/shell/completer.js";
import { helpText, resolveCommand } from "../../src/shell/commands.js";
import { repoRoot } from "../support/xmgr.js";

const manPage = readFileSync(join(repoRoot, "man", "xmgr.1"), "utf8");
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const readmeCommandTable = readme.slice(readme.indexOf("| command |"), readme.indexOf("\n\n", readme.indexOf("| command |")));

function helpOf(def: CommandDef, program = buildProgram()): string {
  let command: Command = program;
  for (const word of commandPath(def).split(" ")) command = command.commands.find((sub) => sub.name() === word)!;
  let text = "";
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.each(COMMANDS.map((def) => [commandPath(def), def] as const))("%s", (path, def) => {
  test("--help shows its usage, summary and an example that runs it", () => {
    const help = helpOf(def);
    expect(help).toContain(`Usage: xmgr ${path}`);
    expect(help.replace(/\s+/g, " ")).toContain(def.summary);
    const examples = help.slice(help.indexOf("Examples:"));
    expect(help).toContain("Examples:");
    expect(examples).toMatch(new RegExp(`xmgr (?:--?\\S+(?: \\S+)? )*${escapeRegExp(path)}\\b`));
  });

  test("a command line naming it (or an alias) builds it, with the same help as in the whole program", () => {
    for (const name of [def.name, ...(def.aliases ?? [])]) {
      const words = [...(def.section ? [def.section] : []), name, "example.com"];
      const named = commandsNamedIn(["node", "xmgr", "--json", ...words]);
      expect(named).toContain(def);
      expect(named.length).toBeLessThan(COMMANDS.length);
      expect(helpOf(def, buildProgram(undefined, named))).toBe(helpOf(def));
    }
  });

  test("the man page documents it", () => {
    expect(manPage).toMatch(new RegExp(`\\.B[IR]? "?${escapeRegExp(path)}\\b`));
  });

  test("the README's command table lists it", () => {
    expect(readmeCommandTable).toContain(`\`xmgr ${path}`);
  });

  test("the completion scripts offer it", () => {
    const program = buildProgram();
    for (const shell of ["bash", "zsh", "fish"]) {
      const script = completionScript(shell, program);
      expect(script).toMatch(new RegExp(`["' ]${escapeRegExp(def.name)}["' ]`));
      if (def.section) expect(script).toContain(`${def.section}:${def.name}`);
    }
  });

  if (def.inShell !== false) {
    test("the shell completes, parses and explains it", () => {
      const words = path.split(" ");
      const name = words[words.length - 1];
      const [hits] = shellCompleter(() => [])([...words.slice(0, -1), name.slice(0, -1)].join(" "));
      expect(hits).toContain(hits.length === 1 ? `${name} ` : name);
      expect(helpText(def.section ? [def.section] : [])).toContain(path);
      expect(helpText(words)).toContain(def.summary);
      if (def.section) {
        const callForm = shellCompleter(() => [])(`${def.section}:${name.slice(0, 2)}`)[0];
        expect(callForm).toContain(`${def.section}:${name}(`);
      }
      const args = def.args.filter((arg) => !arg.optional).map((arg) => arg.choices?.[0] ?? "a@b.c");
      expect(resolveCommand([...words, ...args, ...(def.destructive ? ["--yes"] : [])]).command).toBe(def);
    });
  }

  if (def.destructive) {
    test("takes --yes, and says in --help that it asks for confirmation", () => {
      const help = helpOf(def);
      expect(help).toContain("--yes");
      expect(help.replace(/\s+/g, " ")).toContain("Asks for confirmation on a terminal");
    });
  }
});

test("no two commands share a path or an alias", () => {
  const paths = COMMANDS.flatMap((def) => [def.name, ...(def.aliases ?? [])].map((name) => `${def.section ?? ""} ${name}`));
  expect(new Set(paths).size).toBe(paths.length);
});

describe("commandsNamedIn", () => {
  test.each([
    ["help", ["--help"]],
    ["help", ["user", "clients", "-h"]],
    ["help", ["help", "user"]],
    ["a section alone", ["user"]],
    ["an unknown command", ["user", "clientz", "a@example.com"]],
    ["no command", []],
  ])("builds every command for %s (%j)", (_what, words) => {
    expect(commandsNamedIn(["node", "xmgr", ...words])).toBe(COMMANDS);
  });

  test("a section word followed by another section's command name does not select that command", () => {
    expect(commandsNamedIn(["node", "xmgr", "muc", "clients"])).toBe(COMMANDS);
  });
});
