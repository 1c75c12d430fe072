// The project's WXT config, building into artifacts/ so the benchmark never overwrites the
// .output/ that the end-to-end tests or `npm start` may be using at the same time.
import base from '../wxt.config';

export default { ...base, outDir: 'artifacts/bench/build' };
