// Offsets <-> LSP positions. The conversion itself lives in one place, the dsl's LineIndex (whose
// positions are UTF-16 like the protocol's default `positionEncoding`); a LineIndex is built once per
// document version and cached with it (see documents.ts).
export { LineIndex } from "@totem/dsl";
