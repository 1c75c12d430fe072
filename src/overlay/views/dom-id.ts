/** An aid key or step id made safe for an element id inside the overlay's shadow root. */
export const domId = (s: string): string => s.replace(/[^a-zA-Z0-9_-]/g, '_');
