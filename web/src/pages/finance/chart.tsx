// ECharts in the console: only the chart types and components the finance screens draw are
// registered (echarts/core keeps the bundle to those), drawn as SVG, with ECharts' own ARIA
// description and a label of ours so a screen reader says what the chart shows.
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

// a palette with enough contrast against white for thin lines and small bars
export const PALETTE = ['#0b5cad', '#b35c00', '#237804', '#8a1c7c', '#5c5c5c', '#a8071a', '#00607a', '#614700'];

export function Chart(props: { option: ChartOption; label: string; height?: number; empty?: string }) {
  const series = (props.option.series as unknown[] | undefined) ?? [];
  if (!series.length && props.empty)
    return (
      <div
        role="img"
        aria-label={props.label}
        style={{ height: props.height ?? 260, display: 'grid', placeItems: 'center' }}
      >
        {props.empty}
      </div>
    );
  return <Drawn {...props} />;
}

function Drawn({ option, label, height = 260 }: { option: ChartOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    chart.current = echarts.init(box.current, undefined, { renderer: 'svg' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(
      { color: PALETTE, animation: false, aria: { enabled: true }, textStyle: { color: '#333' }, ...option },
      true,
    );
  }, [option]);
  // ECharts writes its own description on the element it draws in: our label sits on a wrapper
  return (
    <div role="img" aria-label={label}>
      <div ref={box} style={{ width: '100%', height }} />
    </div>
  );
}

// money on an axis: fen → whole yuan, in integers
export const yuanAxis = (fen: number) =>
  (BigInt(Math.trunc(fen)) / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
