// The address lookup runs on its own host, next to this one: framed.<same domain and port>.
const lookup = document.getElementById('lookup-frame');
const rest = location.host.split('.').slice(1).join('.');
lookup.src = `${location.protocol}//framed.${rest}/lookup.html`;
