// Sizes as docker's CLI prints them (github.com/docker/go-units): `docker stats` users read and parse these.

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's %.<p>g: p significant digits, trailing zeros dropped. */
function goG(v: number, precision: number): string {
  if (v === 0) return '0';
  const [mantissa, exponent] = v.toPrecision(precision).split('e');
  const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  if (exponent === undefined) return m;
  // rounding up to the next power of ten (999.999 at 3 digits): Go writes "1e+03"
  const e = Number(exponent);
  return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function customSize(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  let v = Math.max(0, size);
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return goG(v, precision) + units[i];
}

/** go-units BytesSize: binary units, 4 significant digits ("20.5MiB", "23.54GiB"). */
export function bytesSize(n: number): string {
  return customSize(n, 1024, BINARY, 4);
}

/** go-units HumanSizeWithPrecision: decimal units ("1.2kB", "648B"). */
export function humanSize(n: number, precision = 4): string {
  return customSize(n, 1000, DECIMAL, precision);
}
