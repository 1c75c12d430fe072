import { render } from 'preact';

render(<p>Inflow</p>, document.getElementById('app')!);
