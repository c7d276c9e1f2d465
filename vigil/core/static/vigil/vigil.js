// Progressive enhancement only: every page works without this file.
// Tell the server the browser's time zone so times are shown in it (Russia spans eleven zones).
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("vigil_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "vigil_tz=" + encodeURIComponent(zone) +
        "; path=/; max-age=31536000; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    }
  } catch (e) { /* an old browser: the site default zone is used */ }
})();
