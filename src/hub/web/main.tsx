/** The hub page's entry: its style sheets and the shell (./App.tsx), bundled by ../web-assets.ts. */
import './hub.css';
import { render } from 'preact';
import { App } from './App';

render(<App />, document.getElementById('app')!);
