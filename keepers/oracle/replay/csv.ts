/**
 * A small RFC 4180 CSV reader for the recorded files (whole-file; they are at most a few MB): quoted fields with
 * doubled quotes, commas and line breaks inside quotes, LF or CRLF line ends, an optional UTF-8 BOM.
 */
import { ReplayFormatError } from "./errors";

/** One CSV record with the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Splits CSV text into records (blank lines skipped).
 * @throws ReplayFormatError on an unterminated quoted field or text right after a closing quote.
 */
export function parseCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") rows.push({ line: rowLine, fields });
    fields = [];
    field = "";
    atFieldStart = true;
  };
  while (i < text.length) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new ReplayFormatError(source, start, "unterminated quoted field");
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new ReplayFormatError(source, line, `unexpected "${next}" after a closing quote`);
      }
      atFieldStart = false;
      continue;
    }
    if (ch === ",") {
      fields.push(field);
      field = "";
      atFieldStart = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      rowLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
    i++;
  }
  if (field !== "" || fields.length > 0) endRecord();
  return rows;
}

/** A CSV whose first record is a header, with typed access to named columns. */
export class CsvTable {
  /** The records after the header. */
  readonly rows: readonly CsvRow[];
  private readonly columns: ReadonlyMap<string, number>;

  /**
   * @param required Column names that must be present (the first occurrence of a repeated name is used).
   * @throws ReplayFormatError when the file is empty or a required column is missing.
   */
  constructor(
    text: string,
    readonly source: string,
    required: readonly string[],
  ) {
    const [header, ...rows] = parseCsv(text, source);
    if (!header) throw new ReplayFormatError(source, undefined, "the file is empty");
    const columns = new Map<string, number>();
    header.fields.forEach((name, index) => {
      if (!columns.has(name)) columns.set(name, index);
    });
    const missing = required.filter((name) => !columns.has(name));
    if (missing.length > 0) {
      throw new ReplayFormatError(
        source,
        header.line,
        `missing column(s) ${missing.join(", ")}; header is ${header.fields.join(",")}`,
      );
    }
    this.columns = columns;
    this.rows = rows;
  }

  /** True when the header has column `name`. */
  has(name: string): boolean {
    return this.columns.has(name);
  }

  /**
   * The text of column `name` in `row`.
   * @throws ReplayFormatError when the row is too short for the column.
   */
  field(row: CsvRow, name: string): string {
    const index = this.columns.get(name);
    if (index === undefined) throw new ReplayFormatError(this.source, undefined, `unknown column ${name}`);
    const value = row.fields[index];
    if (value === undefined) {
      throw new ReplayFormatError(this.source, row.line, `row has ${row.fields.length} fields, no column ${name}`);
    }
    return value;
  }

  /**
   * Runs `read` on the field with surrounding blanks trimmed (one bookDepth row starts with a stray space),
   * rethrowing its error as a ReplayFormatError that names the file, line and column.
   */
  parse<T>(row: CsvRow, name: string, read: (text: string) => T): T {
    const text = this.field(row, name).trim();
    try {
      return read(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ReplayFormatError(this.source, row.line, `column ${name}: ${why}`, { cause: error });
    }
  }
}
