// Copies what tsc does not: node and credential icons, codex files (*.node.json), the nodes' output schemas
// (nodes/<Node>/__schema__/**/*.json, which n8n 2.x serves beside each node's .js), and the status page's static assets.
const { src, dest } = require('gulp');

function copyStatic() {
  return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}', 'status/public/**/*'], {
    base: '.',
    allowEmpty: true,
    encoding: false,
  }).pipe(dest('dist'));
}

exports.build = copyStatic;
exports.default = copyStatic;
