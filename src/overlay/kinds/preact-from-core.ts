/**
 * `preact`, `preact/hooks` and `preact/jsx-runtime`, as a kind's chunk sees them: the core's
 * own copy, read from the kind slot when the chunk runs (./slot.ts). Only chunk builds
 * resolve those imports here (wxt.config.ts); the core and the tests use Preact itself.
 */
import { uiRuntime } from './slot';

export const { jsx, jsxs, Fragment, useEffect, useLayoutEffect, useRef, useState } = uiRuntime();
