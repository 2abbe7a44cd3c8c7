// karta report map: the embedded base layer (land and water, no network) and
// place labels that do not overlap. Inlined into the report by lib/basemap.cc
// after Leaflet and data/basemap/basemap.js; the report's script calls
// KARTA_MAP.drawBase(map) and KARTA_MAP.labels(map, places, radius).
var KARTA_MAP = (function () {
  var WATER = '#aacce0';
  // Known points for the browser test (tests/suites/report_browser.py): open
  // water and firm land, checked against the GSHHG mask when it was built.
  var PROBES = {
    water: [[59.352, 18.118], [59.15, 18.75], [59.0, 19.0], [59.40, 18.60], [55.60, 12.85], [55.45, 12.75]],
    land: [[59.335, 18.063], [59.403, 17.944], [59.23, 17.98], [59.45, 18.07], [59.29, 17.95], [55.60, 13.05], [59.6, 17.9]]
  };
  var style = document.createElement('style');
  style.textContent = '#map { background: ' + WATER + '; }' +
    '.karta-label { font: 12px/16px sans-serif; color: #222; white-space: nowrap; padding: 0 3px;' +
    ' background: rgba(255,255,255,0.85); border-radius: 3px; box-shadow: 0 0 2px rgba(0,0,0,0.4); }';
  document.head.appendChild(style);

  function drawBase(map) {
    if (typeof KARTA_BASEMAP_LAYERS === 'undefined') return 0;
    // A pane of its own under Leaflet's overlay pane (z-index 400), so the
    // circles' SVG stays the overlay pane's only child.
    map.createPane('kartaBase').style.zIndex = 250;
    KARTA_BASEMAP_LAYERS.forEach(function (l, i) {
      L.imageOverlay(l.png, l.bounds, {
        interactive: false, className: 'karta-base', pane: 'kartaBase',
        attribution: i === 0 ? 'Land och vatten: GSHHG (LGPL)' : ''
      }).addTo(map);
    });
    document.body.setAttribute('data-basemap', String(KARTA_BASEMAP_LAYERS.length));
    return KARTA_BASEMAP_LAYERS.length;
  }

  function overlaps(a, b) { return a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1]; }

  // places: [{lat, lon, label}] most important first; radius(p) in pixels.
  // Each label goes right, left, above or below its circle, whichever first
  // overlaps no label already placed and no other circle's centre; a label
  // that fits nowhere is left out (its circle keeps the tooltip). Redone on
  // every zoom and move.
  function labels(map, places, radius) {
    var layer = L.layerGroup().addTo(map);
    var ctx = document.createElement('canvas').getContext('2d');
    ctx.font = '12px sans-serif';
    function run() {
      layer.clearLayers();
      var placed = [];
      var pts = places.map(function (p) { return map.latLngToLayerPoint([p.lat, p.lon]); });
      // The visible part of the map in layer points: a label stays inside it.
      var size = map.getSize(), o = map.containerPointToLayerPoint([0, 0]);
      var view = [o.x + 2, o.y + 2, o.x + size.x - 2, o.y + size.y - 2];
      places.forEach(function (p, i) {
        var c = pts[i], r = radius(p) + 2;
        var w = Math.ceil(ctx.measureText(p.label).width) + 8, h = 16;
        var spots = [[r, -h / 2], [-r - w, -h / 2], [-w / 2, -r - h], [-w / 2, r]];
        for (var k = 0; k < spots.length; k++) {
          var b = [c.x + spots[k][0], c.y + spots[k][1]];
          b.push(b[0] + w, b[1] + h);
          var inside = b[0] >= view[0] && b[1] >= view[1] && b[2] <= view[2] && b[3] <= view[3];
          var free = inside && placed.every(function (o) { return !overlaps(b, o); }) && pts.every(function (q, j) {
            return j === i || !overlaps(b, [q.x - 3, q.y - 3, q.x + 3, q.y + 3]);
          });
          if (!free) continue;
          placed.push(b);
          var div = document.createElement('div');
          div.textContent = p.label;
          L.marker([p.lat, p.lon], {
            interactive: false, keyboard: false,
            icon: L.divIcon({ className: 'karta-label', html: div.innerHTML, iconSize: [w, h],
                              iconAnchor: [-spots[k][0], -spots[k][1]] })
          }).addTo(layer);
          break;
        }
      });
      check(map, places, radius);
    }
    map.on('zoomend moveend', run);
    run();
  }

  // What the browser test reads: labels drawn, pairs that overlap on screen,
  // and where on the page a known water and a known land point are, away
  // from circles and labels.
  function check(map, places, radius) {
    var els = Array.prototype.slice.call(document.querySelectorAll('#map .karta-label'));
    var rects = els.map(function (e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; });
    var bad = 0;
    for (var i = 0; i < rects.length; i++) for (var j = i + 1; j < rects.length; j++) if (overlaps(rects[i], rects[j])) bad++;
    document.body.setAttribute('data-labels', String(els.length));
    document.body.setAttribute('data-label-overlaps', String(bad));
    var box = map.getContainer().getBoundingClientRect();
    var size = map.getSize();
    function clear(pt) {
      if (pt.x < 20 || pt.y < 20 || pt.x > size.x - 20 || pt.y > size.y - 20) return false;
      var near = places.some(function (p) {
        var q = map.latLngToContainerPoint([p.lat, p.lon]);
        return Math.abs(q.x - pt.x) < radius(p) + 12 && Math.abs(q.y - pt.y) < radius(p) + 12;
      });
      var page = [box.left + pt.x - 6, box.top + pt.y - 6, box.left + pt.x + 6, box.top + pt.y + 6];
      return !near && rects.every(function (r) { return !overlaps(page, r); });
    }
    ['water', 'land'].forEach(function (kind) {
      for (var k = 0; k < PROBES[kind].length; k++) {
        var pt = map.latLngToContainerPoint(PROBES[kind][k]);
        if (!clear(pt)) continue;
        document.body.setAttribute('data-probe-' + kind,
          Math.round(box.left + window.scrollX + pt.x) + ',' + Math.round(box.top + window.scrollY + pt.y));
        return;
      }
      document.body.removeAttribute('data-probe-' + kind);
    });
  }

  return { drawBase: drawBase, labels: labels };
})();
