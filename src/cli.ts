// The program: sections and commands, global options, and the one place where failures become
// a "! message" on stderr and an exit code. Commands load their network stacks only when run.
import { Argument, Command, CommanderError, Option } from "commander";
import { ExitCode, XmgrError, asXmgrError } from "./errors.js";
import type { GlobalOptions } from "./config/settings.js";
import { VERSION } from "./version.js";

/** A command's work; a number it returns is the exit status (xmgr shell). */
type Action = (command: Command) => Promise<void | number>;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join("\n")}\n`;
}

export function buildProgram(run: (action: Action) => (...args: unknown[]) => Promise<void>): Command {
  const program = new Command("xmgr")
    .description("Administer a Prosody XMPP server from anywhere: prosodyctl shell's commands over XMPP and HTTP.")
    .version(VERSION, "-V, --version")
    .option("--profile <name>", "config file profile to use (env XMGR_PROFILE)")
    .option("--jid <jid>", "account to log in as (env XMGR_JID)")
    .option("--server <address>", "connect here: HOST[:PORT], xmpp://HOST[:PORT] or xmpps://HOST[:PORT] (env XMGR_SERVER)")
    .option("--password-file <file>", "read the password from the first line of FILE (mode 600)")
    .option("--ca <file>", "trust this CA or self-signed certificate (PEM), for XMPP and HTTPS (env XMGR_CA)")
    .option("--insecure", "do not verify the server's certificate (warns on every use)")
    .option("--timeout <seconds>", "limit for connecting, logging in and each request (default 10, env XMGR_TIMEOUT)")
    .option("-v, --verbose", "show the XML and HTTP exchanged, secrets redacted")
    .option("--json", "print results as JSON on stdout")
    .option("--no-color", "no colour, even on a terminal (also NO_COLOR)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      examples(
        "xmgr --jid admin@example.com user clients alice@example.com",
        "xmgr user revoke_client alice@example.com grant/HjEEr45_LQr",
        "xmgr muc kick room@chat.example.com Bob 'Spamming'",
        "",
        "Password: --password-file, XMGR_PASSWORD, the config file, or a prompt. See man xmgr.",
      ),
    );

  const user = program.command("user").description("an account's clients (manage-clients protocol)");
  user
    .command("clients")
    .description("list the clients that have access to an account")
    .argument("<jid>", "the account, e.g. alice@example.com")
    .addHelpText("after", examples("xmgr user clients alice@example.com", "xmgr --json user clients alice@example.com | jq '.clients[].id'"))
    .action(
      run(async (command) => {
        const [{ listClients }, { oneShotSession }] = await Promise.all([import("./commands/user/clients.js"), import("./commands/xmpp-session.js")]);
        const [settings, output] = await context(command);
        await listClients(oneShotSession(settings, output), output, command.args[0]);
      }),
    );
  user
    .command("revoke_client")
    .alias("revoke-client")
    .description("take a client's access to an account away")
    .argument("<jid>", "the account, e.g. alice@example.com")
    .argument("<selector>", "client/ID or grant/ID from 'user clients', or software/NAME[/VERSION]")
    .addHelpText(
      "after",
      examples("xmgr user revoke_client alice@example.com grant/HjEEr45_LQr", "xmgr user revoke_client alice@example.com software/Gajim"),
    )
    .action(
      run(async (command) => {
        const [{ revokeClient }, { oneShotSession }] = await Promise.all([import("./commands/user/revoke-client.js"), import("./commands/xmpp-session.js")]);
        const [settings, output] = await context(command);
        await revokeClient(oneShotSession(settings, output), output, command.args[0], command.args[1]);
      }),
    );

  const muc = program.command("muc").description("group chats (mod_http_muc_kick over HTTP)");
  muc
    .command("kick")
    .description("kick an occupant out of a room")
    .argument("<room>", "the room's JID, e.g. room@chat.example.com")
    .argument("<nick>", "the occupant's nickname")
    .argument("[reason]", "why; the occupant sees it")
    .option("--url <url>", "the muc_kick endpoint (default https://ROOM-DOMAIN:5281/muc_kick; env XMGR_MUC_KICK_URL)")
    .option("--http-server <host[:port]>", "connect here instead of the URL's host; Host and certificate name still come from the URL (env XMGR_MUC_KICK_SERVER)")
    .option("--auth-file <file>", "read the Authorization value from the first line of FILE (mode 600; env XMGR_MUC_KICK_AUTH holds it directly)")
    .addOption(new Option("--allow-plain-http", "allow sending the Authorization value over http:// to a host that is not loopback"))
    .addHelpText(
      "after",
      examples(
        "XMGR_MUC_KICK_AUTH='Basic YWRtaW46czNjcmV0' xmgr muc kick room@chat.example.com Bob 'Spamming'",
        "xmgr muc kick --url https://example.com/ --auth-file ~/.config/xmgr/kick-auth room@chat.example.com Bob",
      ),
    )
    .action(
      run(async (command) => {
        const { kick } = await import("./commands/muc/kick.js");
        const [settings, output] = await context(command);
        const [room, nick, reason] = command.args;
        await kick(settings, output, room, nick, reason, command.opts());
      }),
    );

  program
    .command("logout")
    .description("delete this profile's saved FAST token and have the server revoke it")
    .addHelpText("after", examples("xmgr logout", "xmgr --profile staging logout"))
    .action(
      run(async (command) => {
        const { logout } = await import("./commands/logout.js");
        const [settings, output] = await context(command);
        await logout(settings, output);
      }),
    );

  program
    .command("shell")
    .description("log in once and run many commands: interactively on a terminal, or a batch from stdin or -c")
    .option("-c, --command <commands>", "run these commands (separated by ; or newlines) instead of reading stdin")
    .option("--keep-going", "in a batch, run every command even after one failed")
    .option("--max-in-flight <n>", "in a batch, requests sent before earlier answers arrive (default 32; 1 = one at a time)")
    .addHelpText(
      "after",
      examples(
        "xmgr shell",
        "xmgr shell -c 'user clients alice@example.com; user revoke_client alice@example.com grant/HjEEr45_LQr'",
        "xmgr --json shell --keep-going < revocations.txt",
        "",
        "Commands: user clients JID, user revoke_client JID SELECTOR, muc kick ROOM NICK [REASON], help, quit;",
        "also prosodyctl's call form: user:clients(\"alice@example.com\"). See man xmgr, SHELL.",
      ),
    )
    .action(
      run(async (command) => {
        const { runShell } = await import("./shell/shell.js");
        const [settings, output] = await context(command);
        return runShell(settings, output, command.opts());
      }),
    );

  program
    .command("completion")
    .description("print a completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      examples(
        "source <(xmgr completion bash)",
        "xmgr completion bash > ~/.local/share/bash-completion/completions/xmgr",
        "xmgr completion zsh > ~/.zfunc/_xmgr    # with fpath=(~/.zfunc $fpath) before compinit",
        "xmgr completion fish > ~/.config/fish/completions/xmgr.fish",
      ),
    )
    .action(
      run(async (command) => {
        const { completionScript } = await import("./shell/completion-scripts.js");
        process.stdout.write(completionScript(command.args[0], program));
      }),
    );

  for (const section of [user, muc]) {
    section.showHelpAfterError("(run with --help for usage)");
  }
  return program;
}

async function context(command: Command) {
  const options = command.optsWithGlobals<GlobalOptions>();
  const [{ Settings }, { Output }, { paintersFor }] = await Promise.all([import("./config/settings.js"), import("./output/output.js"), import("./output/paint.js")]);
  const output = new Output({ json: Boolean(options.json), verbose: Boolean(options.verbose), painters: await paintersFor(options.color !== false) });
  activeOutput = output;
  return [new Settings(options), output] as const;
}

let activeOutput: { fail(error: XmgrError): void } | undefined;

async function report(error: unknown, verbose: boolean): Promise<number> {
  const failure = asXmgrError(error);
  if (!activeOutput) {
    const [{ Output }, { paintersFor }] = await Promise.all([import("./output/output.js"), import("./output/paint.js")]);
    activeOutput = new Output({ json: false, verbose, painters: await paintersFor(!process.argv.includes("--no-color")) });
  }
  activeOutput.fail(failure);
  if (verbose && !(error instanceof XmgrError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return failure.exitCode;
}

/** `ran`: told which command ran ("user clients", "muc kick", …), for src/start.ts's code cache. */
export async function main(argv: string[], ran?: (command: string) => void): Promise<void> {
  // A reader that went away (xmgr --help | head -1) ends xmgr quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    });
  }
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  let status: number | undefined;
  const run: (action: Action) => (...args: unknown[]) => Promise<void> = (action) => async (...args) => {
    const command = args[args.length - 1] as Command;
    ran?.([command.parent?.parent ? command.parent.name() : "", command.name()].join(" ").trim());
    const returned = await action(command);
    if (typeof returned === "number") status = returned;
  };
  const program = buildProgram(run);
  const overrideExits = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(overrideExits);
  };
  overrideExits(program);
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv);
    code = status ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else {
      code = await report(error, verbose);
    }
  }
  process.exitCode = code;
  // Exit as soon as the output is out, not when the last socket or timer has let go.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write("", resolve))));
  process.exit(code);
}
