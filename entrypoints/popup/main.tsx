import { render } from 'preact';
import { Popup } from '../../src/popup/Popup';
import '../../src/popup/popup.css';

const root = document.getElementById('app');
if (root) render(<Popup />, root);
