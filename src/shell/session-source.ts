// The shell's SessionSource: one XMPP session kept open across commands. When the server has
// closed it (idle timeout, the session kicked or revoked), the next command logs in again first
// and says so. A command is never sent twice: one whose request was already on the wire when the
// stream closed fails with the library's "closed before answering" error and is not retried.
import type { Settings, XmppSettings } from "../config/settings.js";
import type { Output } from "../output/output.js";
import { openLoggedIn, type LoggedIn, type SessionSource } from "../commands/xmpp-session.js";
import type { ShellOutput } from "./output.js";

export class PersistentSession {
  private current?: LoggedIn;
  private opening?: Promise<LoggedIn>;
  private xmpp?: XmppSettings;
  private closed = false;
  private loggedInBefore = false;

  /** `log` gets what is not a command's own output: -v traces and --insecure warnings. */
  constructor(
    private readonly settings: Settings,
    private readonly log: Output,
  ) {}

  /** The logged-in account, once logged in. */
  get account(): string | undefined {
    return this.current?.account;
  }

  /** Whether a session is open now (commands would not have to log in first). */
  get isOpen(): boolean {
    return Boolean(this.current?.session.isOpen);
  }

  /** The id of xmgr's own client (client/<id>), once logged in. */
  get clientId(): string | undefined {
    return this.current?.clientId;
  }

  /** A SessionSource for one command: "logged in again" notes go to that command's output. */
  for(output: ShellOutput): SessionSource {
    return {
      use: async (work) => work(await this.login(output)),
      fresh: async (work) => {
        const login = await openLoggedIn(this.settingsOnce(), this.log);
        try {
          return await work(login);
        } finally {
          await login.session.close();
        }
      },
    };
  }

  /** The open session, logging in (again) first if there is none. Concurrent callers share one login. */
  async login(output?: ShellOutput): Promise<LoggedIn> {
    if (this.closed) throw new Error("the shell's session is closed");
    if (this.current?.session.isOpen) return this.current;
    if (this.opening) return this.opening;
    const again = this.loggedInBefore;
    void this.current?.session.close(); // the server closed its side; let go of ours
    this.current = undefined;
    const opening = openLoggedIn(this.settingsOnce(), this.log);
    this.opening = opening;
    try {
      this.current = await opening;
      this.loggedInBefore = true;
      if (again) output?.note(`The connection had closed; logged in again as ${this.current.account}.`);
      return this.current;
    } finally {
      this.opening = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const last = this.current ?? (await this.opening?.catch(() => undefined));
    this.current = undefined;
    await last?.session.close();
  }

  /** Settings read once, the password asked at most once per shell (a new login must not prompt again). */
  private settingsOnce(): XmppSettings {
    if (!this.xmpp) {
      const xmpp = this.settings.xmpp();
      let password: Promise<string> | undefined;
      this.xmpp = {
        ...xmpp,
        password: () =>
          (password ??= xmpp.password().catch((error: unknown) => {
            password = undefined;
            throw error;
          })),
      };
    }
    return this.xmpp;
  }
}
