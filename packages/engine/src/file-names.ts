// The one check a name from a layout passes before it becomes part of a file path: link files
// (`<step>.<keyid8>.link`), sublayout directories (`<step>.<keyid8>/`) and inspection links
// (`<inspection>.link`). Layouts are untrusted input; in-toto 1.3.1 joins the name as it is, so a step
// named `../x` makes it read (and an inspection named so makes it write) outside its directory.
// Totem refuses such names instead. `.` and `..` alone cannot escape: a suffix always follows them.

/** Whether `name` can stand for itself in a file name: no path separator (`/`, `\`) and no NUL. */
export function isSafeFileStem(name: string): boolean {
  return !/[/\\\0]/.test(name);
}
