import { freePort, launchServerProcess, type LaunchedServer } from "../helpers/server-process.js";

/**
 * The app as a real server process on a fixed port, which the suite kills (SIGKILL) and starts
 * again. An exit the suite did not cause is a crash: counted, with the process's last output.
 */
export class AppUnderTest {
  url = "";
  crashes: string[] = [];
  private server?: LaunchedServer;
  private port = 0;
  private killing = false;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const server = await launchServerProcess(this.env, { port: this.port });
    this.server = server;
    this.url = server.url;
    void server.exited.then((code) => {
      if (!this.killing && this.server === server) {
        this.crashes.push(`exited with ${code}: ${server.output().slice(-3_000)}`);
      }
    });
    await server.ready;
  }

  /** kill -9, as a crash of the machine's app or the OOM killer would. */
  async kill(): Promise<void> {
    this.killing = true;
    await this.server?.kill();
    this.killing = false;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  async stop(): Promise<void> {
    this.killing = true;
    await this.server?.stop();
    this.killing = false;
  }

  output(): string {
    return this.server?.output() ?? "";
  }
}
