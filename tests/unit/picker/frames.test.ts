// @vitest-environment happy-dom
import 'urlpattern-polyfill';
import { describe, expect, it } from 'vitest';
import { frameRefOf, iframeSelector, isFrame, pageUrlPattern } from '../../../src/picker/frame';

/** A frame's window as the picker sees it: its address, the top, its <iframe> (same origin). */
function frameWindow(href: string, frameElement: Element | null, crossOrigin = false): Window {
  const top = {} as Window;
  return {
    top,
    location: { href },
    get frameElement() {
      if (crossOrigin) throw new DOMException('Blocked a frame', 'SecurityError');
      return frameElement;
    },
  } as unknown as Window;
}

describe('the frame signal', () => {
  it('names a frame with a page of its own by its address, without query and hash', () => {
    expect(pageUrlPattern('https://lookup.example.com/address/find?q=NW1#top')).toBe(
      'https://lookup.example.com/address/find',
    );
    // Characters with a meaning in URL patterns stand for themselves.
    expect(pageUrlPattern('https://a.example.com/v1:search/(x)')).toBe(
      'https://a.example.com/v1\\:search/\\(x\\)',
    );
    expect(pageUrlPattern('about:srcdoc')).toBeUndefined();
    expect(pageUrlPattern('about:blank')).toBeUndefined();
  });

  it('names a srcdoc or about:blank frame by its <iframe> in the parent', () => {
    document.body.innerHTML = `
      <iframe title="Delivery notes" srcdoc="<p>x</p>"></iframe>
      <iframe name="lookup"></iframe>
      <iframe></iframe>`;
    const [notes, lookup, bare] = Array.from(document.querySelectorAll('iframe'));
    expect(frameRefOf(frameWindow('about:srcdoc', notes!))).toEqual({
      css: 'iframe[title="Delivery notes"]',
    });
    expect(frameRefOf(frameWindow('about:blank', lookup!))).toEqual({
      css: 'iframe[name="lookup"]',
    });
    // Nothing names it: the capture says so rather than guess.
    expect(frameRefOf(frameWindow('about:blank', bare!))).toBeNull();
    expect(iframeSelector(bare!)).toBeUndefined();
  });

  it('gives both for a same-origin frame with a title, the address alone across origins', () => {
    document.body.innerHTML = '<iframe title="Address lookup" src="/lookup.html"></iframe>';
    const iframe = document.querySelector('iframe')!;
    expect(frameRefOf(frameWindow('http://crm.localhost/lookup.html?id=7', iframe))).toEqual({
      url: 'http://crm.localhost/lookup.html',
      css: 'iframe[title="Address lookup"]',
    });
    expect(frameRefOf(frameWindow('https://maps.example.net/embed', null, true))).toEqual({
      url: 'https://maps.example.net/embed',
    });
    expect(frameRefOf(window)).toBeUndefined();
  });

  it('knows the frame a signal names, and not another', () => {
    document.body.innerHTML = `
      <iframe title="Address lookup"></iframe><iframe title="Delivery notes"></iframe>`;
    const [lookup, notes] = Array.from(document.querySelectorAll('iframe'));
    const ref = { url: 'http://crm.localhost/lookup.html', css: 'iframe[title="Address lookup"]' };
    expect(isFrame(ref, frameWindow('http://crm.localhost/lookup.html?x=1', lookup!))).toBe(true);
    expect(isFrame(ref, frameWindow('http://crm.localhost/lookup.html', notes!))).toBe(false);
    expect(isFrame(ref, frameWindow('http://crm.localhost/other.html', lookup!))).toBe(false);
    expect(
      isFrame({ css: 'iframe[title="Delivery notes"]' }, frameWindow('about:srcdoc', notes!)),
    ).toBe(true);
    // A selector alone is never taken on trust across origins.
    expect(isFrame({ css: 'iframe' }, frameWindow('https://x.example/', null, true))).toBe(false);
    expect(isFrame(ref, window)).toBe(false);
  });
});
