/**
 * JSON.parse with an error that names where the text came from (a file, a file and line):
 * `<where>: not valid JSON (<parser message>)`, the parser's error kept as `cause`.
 */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
