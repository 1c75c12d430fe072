/** The "Aids" view of the options page: the aid list, the editor and its tools. */
export function AidsView({ route }: { route: string }) {
  return <p data-route={route}>Authoring is being built.</p>;
}
