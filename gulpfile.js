// Copies what tsc does not: node and credential icons, codex files, and the status page's static assets.
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
