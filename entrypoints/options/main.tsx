import { render } from 'preact';
import { Options } from '../../src/options/Options';
import '../../src/options/options.css';

const root = document.getElementById('app');
if (root) render(<Options />, root);
