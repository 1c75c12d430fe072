// Component styles of Northwind CRM, in the style of a CSS-in-JS build: every ".$name" is
// replaced at runtime by a generated class name that changes from one release to the next.
export const STYLES = `
.$shell { min-height: 100vh; display: grid; grid-template-rows: 52px 1fr; }
.$topbar {
  display: flex; align-items: center; gap: 24px; padding: 0 20px;
  background: #16325c; color: #fff; border-bottom: 3px solid #1b96ff;
}
.$brand { display: flex; align-items: center; gap: 10px; color: #fff; text-decoration: none; font-weight: 700; font-size: 16px; }
.$brand:hover { color: #fff; }
.$brandMark { width: 26px; height: 26px; border-radius: 5px; background: #fff; color: #16325c; display: grid; place-items: center; font-weight: 800; }
.$search { flex: 1; max-width: 420px; }
.$search input { background: #ffffff; border-color: #5a7aa6; min-height: 32px; }
.$user { margin-left: auto; display: flex; align-items: center; gap: 10px; font-size: 13px; color: #e5efff; }
.$avatar { width: 30px; height: 30px; border-radius: 50%; background: #0176d3; color: #fff; display: grid; place-items: center; font-weight: 700; font-size: 12px; }
.$frame { display: grid; grid-template-columns: 210px 1fr; min-height: 0; }
.$sidenav { background: #fff; border-right: 1px solid #dddbda; padding: 16px 0; }
.$sidenav ul { list-style: none; margin: 0; padding: 0; }
.$navLink { display: block; padding: 9px 20px; color: #181818; text-decoration: none; border-left: 3px solid transparent; }
.$navLink:hover { background: #f3f3f3; color: #181818; }
.$navLink[aria-current="page"] { border-left-color: #0b5cab; background: #eef4ff; color: #014486; font-weight: 600; }
.$navHeading { padding: 4px 20px 8px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #595959; margin: 0; font-weight: 600; }
.$content { padding: 20px 28px 48px; min-width: 0; }
.$form { max-width: 920px; }
.$pageHead { display: flex; align-items: flex-end; justify-content: space-between; gap: 16px; margin-bottom: 16px; }
.$crumbs { list-style: none; margin: 0 0 4px; padding: 0; display: flex; gap: 6px; font-size: 12px; color: #595959; }
.$crumbs li + li::before { content: "›"; margin-right: 6px; }
.$title { font-size: 22px; font-weight: 700; }
.$title:focus { outline: none; }
.$subtitle { margin: 4px 0 0; color: #444; }
.$card { background: #fff; border: 1px solid #dddbda; border-radius: 6px; padding: 16px 20px; margin-bottom: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.$cardTitle { font-size: 15px; font-weight: 700; margin-bottom: 12px; }
.$cols { display: grid; grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr); gap: 16px; align-items: start; }
.$grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px 18px; }
.$field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 14px; }
.$field label { font-size: 13px; color: #2e2e2e; font-weight: 600; }
.$req { color: #ba0517; margin-left: 2px; }
.$check { display: flex; align-items: center; gap: 10px; padding: 10px 12px; border: 1px solid #e5e5e5; border-radius: 4px; background: #fafaf9; margin-bottom: 10px; }
.$check label { font-weight: 600; }
.$help { margin: 0 0 12px; color: #444; font-size: 13px; }
.$quote { margin: 0 0 12px; padding: 8px 12px; border-left: 3px solid #1b96ff; background: #f4f8fe; font-style: italic; color: #2e2e2e; }
.$actions { display: flex; justify-content: flex-end; gap: 10px; padding-top: 4px; }
.$btn { display: inline-flex; align-items: center; gap: 6px; padding: 7px 16px; border-radius: 4px; border: 1px solid #c9c9c9; background: #fff; color: #0b5cab; text-decoration: none; cursor: pointer; font-weight: 600; line-height: 1.3; }
.$btn:hover { background: #f3f3f3; color: #014486; }
.$btnPrimary { background: #0b5cab; border-color: #0b5cab; color: #fff; }
.$btnPrimary:hover { background: #014486; color: #fff; }
.$btn:disabled { background: #e5e5e5; border-color: #c9c9c9; color: #6b6b6b; cursor: default; }
.$table th, .$table td { padding: 9px 12px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
.$table th { background: #fafaf9; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #444; }
.$table tbody tr:hover { background: #f8fbff; }
.$muted { color: #595959; }
.$pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e5e5e5; color: #2e2e2e; }
.$pillOpen { background: #fef1d7; color: #7a4a00; }
.$pillResolved { background: #d9f2e1; color: #12592e; }
.$pillHigh { background: #fde2e1; color: #8c0e0e; }
.$dl { display: grid; grid-template-columns: 120px minmax(0, 1fr); gap: 6px 12px; margin: 0; }
.$dl dt { color: #595959; }
.$dl dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.$timeline { list-style: none; margin: 0; padding: 0; }
.$timeline li { padding: 8px 0 8px 14px; border-left: 2px solid #dddbda; position: relative; }
.$timeline li::before { content: ""; position: absolute; left: -5px; top: 14px; width: 8px; height: 8px; border-radius: 50%; background: #0b5cab; }
.$when { font-size: 12px; color: #595959; }
.$banner { display: flex; gap: 10px; align-items: center; padding: 12px 16px; border-radius: 6px; margin-bottom: 16px; background: #d9f2e1; border: 1px solid #2e844a; color: #12592e; }
.$bannerInfo { background: #eef4ff; border-color: #0b5cab; color: #014486; }
.$toastRegion { position: fixed; right: 24px; bottom: 24px; z-index: 50; }
.$toast { padding: 12px 18px; border-radius: 6px; background: #2e844a; color: #fff; font-weight: 600; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.$empty { padding: 24px; text-align: center; color: #595959; }
.$spinner { padding: 40px; color: #595959; }
`;
