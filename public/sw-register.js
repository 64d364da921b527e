// Registers the service worker on score-sheet pages (/cases/<id>/sheet) and asks it to keep
// this page and the application files it loaded, so that the sheet reloads without a connection.
// A plain file (not inline) so that the content security policy needs no exception.
(function () {
  if (!("serviceWorker" in navigator) || !/^\/cases\/\d+\/sheet$/.test(location.pathname)) return;
  navigator.serviceWorker
    .register("/sw.js")
    .then(function () {
      return navigator.serviceWorker.ready;
    })
    .then(function (reg) {
      var keep = [location.pathname];
      document.querySelectorAll('link[href^="/pkg/"], script[src^="/pkg/"]').forEach(function (el) {
        keep.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      if (reg.active) reg.active.postMessage({ keep: keep });
    })
    .catch(function () {});
})();
