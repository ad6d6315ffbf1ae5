/* Gemeinsam: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  var LANGUAGE_KEY = "gemeinsam-language";
  var html = document.documentElement;

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  /* Language: remembered in this browser (localStorage, not a cookie). Someone who
     arrives from elsewhere in another language is taken to the same page in theirs. */
  function rememberLanguage() {
    var current = html.getAttribute("lang");
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-language]");
      if (link) { store(LANGUAGE_KEY, link.getAttribute("data-language")); }
    });
    var chosen = read(LANGUAGE_KEY);
    var fromHere = document.referrer && document.referrer.indexOf(location.origin) === 0;
    // Only a fresh visit to a start page (where "/" sends people by their browser's
    // language) switches; a link to a page in a given language is respected.
    var startPage = location.pathname === "/" + current + "/";
    if (chosen && chosen !== current && !fromHere && startPage) {
      var target = document.querySelector('a[data-language="' + chosen + '"]');
      if (target) { location.replace(target.href); return true; }
    }
    if (!chosen) { store(LANGUAGE_KEY, current); }
    return false;
  }

  /* "Near me": the browser's position goes into the "near" field as coordinates. */
  function nearMe(root) {
    var button = root.querySelector("[data-near-me]");
    var field = root.querySelector('input[name="near"]');
    var status = root.querySelector("[data-near-status]");
    if (!button || !field || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-wait") || "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        field.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        status.textContent = "";
        var form = field.form;
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }, function () {
        status.textContent = button.getAttribute("data-denied") || "";
        field.focus();
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  /* Results update in place when a filter changes; the address shows the filters,
     so the page can be shared and the back button works. */
  function liveSearch() {
    var region = document.querySelector("[data-results-region]");
    if (!region || !window.fetch || !window.history.pushState) { return; }

    function load(url, push) {
      region.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.text(); })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          var fresh = doc.querySelector("[data-results-region]");
          if (!fresh) { location.href = url; return; }
          var openPanel = region.querySelector("details.filter-panel[open]");
          region.innerHTML = fresh.innerHTML;
          if (openPanel) {
            var panel = region.querySelector("details.filter-panel");
            if (panel) { panel.open = true; }
          }
          document.title = doc.title;
          if (push) { history.pushState({ url: url }, "", url); }
          region.removeAttribute("aria-busy");
          init(region);
        })
        .catch(function () { location.href = url; });
    }

    region.addEventListener("change", function (event) {
      var form = event.target.form;
      if (!form || !form.hasAttribute("data-live-search")) { return; }
      if (event.target.name === "q" || event.target.name === "near") { return; }
      var params = new URLSearchParams(new FormData(form));
      load(location.pathname + "?" + params.toString(), true);
    });
    region.addEventListener("click", function (event) {
      var link = event.target.closest(".pagination a");
      if (!link) { return; }
      event.preventDefault();
      load(link.href, true);
      region.querySelector("h1").scrollIntoView();
    });
    window.addEventListener("popstate", function () { load(location.href, false); });
  }

  /* Sharing: the phone's share sheet where there is one, else copy the link. */
  function share(root) {
    root.querySelectorAll("[data-share]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var data = { title: link.getAttribute("data-share-title"), url: link.getAttribute("data-share-url") };
        if (navigator.share) {
          event.preventDefault();
          navigator.share(data).catch(function () {});
        } else if (navigator.clipboard) {
          event.preventDefault();
          navigator.clipboard.writeText(data.url).then(function () {
            link.querySelector("span").textContent = link.getAttribute("data-copied") || data.url;
          });
        }
      });
    });
  }

  /* The map: Leaflet from our own static files; tiles only if the site has a tile server. */
  function map(root) {
    var element = root.querySelector("#offer-map");
    var data = root.querySelector("#map-points");
    if (!element || !data || !window.L) { return; }
    var points = JSON.parse(data.textContent || "[]");
    var leaflet = window.L.map(element, { scrollWheelZoom: false, maxZoom: 18, zoomControl: false });
    window.L.control.zoom({
      zoomInTitle: element.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: element.getAttribute("data-zoom-out") || "-"
    }).addTo(leaflet);
    leaflet.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      window.L.tileLayer(tiles, { attribution: element.getAttribute("data-attribution") || "", maxZoom: 18 }).addTo(leaflet);
    }
    var group = window.L.markerClusterGroup ? window.L.markerClusterGroup() : window.L.featureGroup();
    points.forEach(function (point) {  // [latitude, longitude, title, path]
      var link = document.createElement("a");
      link.href = point[3];
      link.textContent = point[2];
      group.addLayer(window.L.marker([point[0], point[1]], { title: point[2], alt: point[2] }).bindPopup(link));
    });
    group.addTo(leaflet);
    if (points.length) {
      leaflet.fitBounds(window.L.latLngBounds(points.map(function (p) { return [p[0], p[1]]; })).pad(0.2));
    } else {
      leaflet.setView([47.8, 11.05], 10);
    }
  }

  function init(root) {
    root.querySelectorAll("[data-near-form]").forEach(nearMe);
    share(root);
    map(root);
  }

  if (rememberLanguage()) { return; }
  function start() { init(document); liveSearch(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
