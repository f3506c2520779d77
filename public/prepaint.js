// Runs before the first paint (a plain script in <head>, a file for the CSP). The page's
// static first paint is the catalog in Vietnamese (scripts/build/prepaint.mjs); on any other
// route, or when the learner chose English (the app's `boiduong.lang`), it would mislead, so
// <html> gets a class and style/main.css shows a neutral shell until the app has mounted.
(function () {
  var html = document.documentElement;
  if (location.pathname !== '/') html.classList.add('prepaint-route');
  try {
    if (localStorage.getItem('boiduong.lang') === 'en') html.classList.add('prepaint-en');
  } catch (e) {
    // localStorage blocked: the default language, Vietnamese
  }
})();
