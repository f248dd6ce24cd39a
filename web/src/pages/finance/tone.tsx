// A tag in one of a few tones whose text keeps WCAG AA contrast (antd's preset colours do not).
import { Tag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'info' | 'good' | 'warn' | 'bad';
const TONES: Record<Tone, { color: string; background: string; borderColor: string }> = {
  neutral: { color: '#333', background: '#f2f2f2', borderColor: '#bbb' },
  info: { color: '#0b3f80', background: '#e8f1fc', borderColor: '#8fb6e6' },
  good: { color: '#1d5c0a', background: '#eef7e8', borderColor: '#8cc573' },
  warn: { color: '#6b3d00', background: '#fff4e0', borderColor: '#e0b060' },
  bad: { color: '#8a1c12', background: '#fdeceb', borderColor: '#e59a93' },
};

export const ToneTag = ({ tone, children }: { tone: Tone; children: ReactNode }) => (
  <Tag style={TONES[tone]}>{children}</Tag>
);

// antd's link blue is too light for AA on white and on hovered rows
export const LINK = { color: '#0a4a8c', textDecoration: 'underline' };
