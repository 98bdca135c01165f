/** A config that cannot run, with every problem found, one line each. */
export class ConfigError extends Error {
  /** Each problem as `path: what is wrong`. */
  readonly problems: readonly string[];
  /** The file the config came from, when it came from one. */
  readonly file: string | undefined;

  constructor(problems: readonly string[], file?: string, options?: ErrorOptions) {
    const where = file === undefined ? "" : `${file}: `;
    super(
      problems.length === 1
        ? `${where}${problems[0]}`
        : `${where}invalid config (${problems.length} problems):\n${
          problems.map((p) => `  ${p}`).join("\n")
        }`,
      options,
    );
    this.name = "ConfigError";
    this.problems = problems;
    this.file = file;
  }
}
