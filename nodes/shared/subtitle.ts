/**
 * Pieces of canvas subtitles: n8n expressions (no `={{ }}`) that read a node's parameters and say in words what the
 * node will do. They read `$rawParameter`, the values as set, not `$parameter`: the editor evaluates a subtitle with
 * no run data, so a parameter given by an expression over the input (`={{ $json.eventType }}`) cannot be resolved
 * there, and reading it through `$parameter` fails the whole subtitle (n8n then shows none). Such a value is seen by
 * its leading "=" instead (as n8n's own display conditions do) and worded generally.
 */

/** The parameter's value as set, e.g. `$rawParameter["mode"]`. */
export function raw(name: string): string {
  return `$rawParameter["${name}"]`;
}

/** Whether the parameter is given by an expression (a string starting with "="). */
export function byExpression(name: string): string {
  return `(${raw(name)} + "").startsWith("=")`;
}
