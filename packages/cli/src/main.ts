// The `totem` command's dispatcher: argv in, exit code out.
export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.length === 0) {
    process.stdout.write("Usage: totem <command> [options]\n");
    return 0;
  }
  process.stderr.write(`totem: unknown command '${argv[0]}'\n`);
  return 2;
}
