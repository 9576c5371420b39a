// The landing page at `/`: static, no host data, so nothing from the host can inject markup into it.
import { VERSION } from '../version.js';

export function indexPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>tctop exporter</title></head>
<body>
<h1>tctop exporter</h1>
<p>Container metrics from /proc and cgroups, any runtime. Version ${VERSION}.</p>
<ul>
<li><a href="metrics">metrics</a> (Prometheus text format; OpenMetrics when the Accept header asks)</li>
<li><a href="healthz">healthz</a></li>
</ul>
</body>
</html>
`;
}
