export default defineBackground(() => {
  console.log('inflow bg');
});
