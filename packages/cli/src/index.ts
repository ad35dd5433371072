// @totem/cli: the `totem` command. All file, process, clock and terminal I/O lives here.
export { main } from "./main.js";
