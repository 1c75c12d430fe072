/** Makes sure Chromium is installed (apt-get on Debian as root); false, with a message, if not. */
export declare function ensureChromium(): Promise<boolean>;
