// One blessed-contrib line chart at a place on the screen. blessed-contrib sizes its canvas once, when the widget
// is attached, so a chart whose place changes (a resize, another view) is made anew there.
import type blessed from 'blessed';
import contrib from 'blessed-contrib';
import { chartData, type ChartModel } from './view/chart-data.js';

export interface Place {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** Below this a line chart has no room for its axes and labels: the panel draws nothing. */
const MIN_WIDTH = 16;
const MIN_HEIGHT = 5;

export class ChartPanel {
  private widget: ReturnType<typeof contrib.line> | undefined;
  private place: Place | undefined;

  constructor(private readonly screen: blessed.Widgets.Screen) {}

  /** Shows the model at `place` (made anew if the place changed); hidden when the place is too small. */
  draw(place: Place, model: ChartModel, intervalSeconds: number, colours: boolean): void {
    if (place.width < MIN_WIDTH || place.height < MIN_HEIGHT) {
      this.hide();
      return;
    }
    if (!this.widget || !samePlace(this.place, place)) this.make(place, model, colours);
    const w = this.widget!;
    w.setLabel(model.label);
    w.options.maxY = axisMax(model.maxY, yLabels(place.height));
    // 'normal' is the terminal's own foreground (SGR 39): no colour at all
    w.setData(chartData(colours ? model : { ...model, lines: model.lines.map((l) => ({ ...l, colour: 'normal' })) }, intervalSeconds));
    w.show();
  }

  hide(): void {
    this.widget?.hide();
  }

  destroy(): void {
    this.widget?.destroy();
    this.widget = undefined;
  }

  private make(place: Place, model: ChartModel, colours: boolean): void {
    this.destroy();
    this.place = place;
    // appended after construction: blessed-contrib makes its canvas on 'attach', which a `parent` option fires too early
    this.widget = contrib.line({
      ...place,
      label: model.label,
      border: { type: 'line' },
      minY: model.minY,
      showLegend: false,
      xLabelPadding: 3,
      xPadding: 5,
      numYLabels: yLabels(place.height),
      style: {
        line: 'normal',
        text: colours ? 'green' : 'normal',
        baseline: colours ? 'black' : 'normal',
        border: colours ? { fg: 'cyan' } : {},
      },
    } as never);
    this.screen.append(this.widget);
  }
}

/** As many y labels as the height holds legibly, 2 to 5. */
const yLabels = (height: number) => Math.max(2, Math.min(5, height - 4));

/**
 * blessed-contrib labels minY, minY + step, ... below its maxY, with step = maxY / labels, and draws a value equal
 * to maxY just off the canvas. Set its maxY one step above the top, so the last label is the top itself and a line
 * at the top (a core fully busy, memory at its limit) stays in view.
 */
function axisMax(top: number | undefined, labels: number): number | undefined {
  return top === undefined ? undefined : (top * labels) / (labels - 1);
}

function samePlace(a: Place | undefined, b: Place): boolean {
  return !!a && a.top === b.top && a.left === b.left && a.width === b.width && a.height === b.height;
}
