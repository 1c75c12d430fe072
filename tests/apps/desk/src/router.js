import { useEffect, useState } from 'react';

/** The route in the address's hash, without the leading "#": "/contacts/new". */
function currentRoute() {
  return location.hash.replace(/^#/, '') || '/';
}

/** The current hash route; re-renders when it changes. */
export function useHashRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Goes to a hash route, as a link would. */
export function navigate(route) {
  location.hash = `#${route}`;
}
