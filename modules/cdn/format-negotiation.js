// CloudFront Function (viewer request, cloudfront-js-2.0), rendered by Terraform from var.format_negotiation:
// a request for one of a kind's JPEGs (stable or versioned) is answered from the same key in the first alternate
// format whose media type the request's Accept names with q > 0. "image/*" and "*/*" do not count: browsers
// without WebP send them. The cache key is the rewritten URI, never the raw Accept header, so each format of an
// image is cached once. This file is a Terraform template: no JavaScript template literals in it.
var RULES = ${rules};

function accepts(accept, mediaType) {
  var ranges = accept.toLowerCase().split(',');
  for (var i = 0; i < ranges.length; i++) {
    var params = ranges[i].split(';');
    if (params[0].trim() !== mediaType) {
      continue;
    }
    var q = 1;
    for (var j = 1; j < params.length; j++) {
      var pair = params[j].split('=');
      if (pair[0].trim() === 'q') {
        q = parseFloat(pair[1]);
      }
    }
    return q > 0;
  }
  return false;
}

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var accept = request.headers.accept ? request.headers.accept.value : '';
  for (var i = 0; i < RULES.length; i++) {
    var rule = RULES[i];
    if (uri.indexOf(rule.prefix) !== 0 || uri.slice(-rule.from.length) !== rule.from) {
      continue;
    }
    for (var j = 0; j < rule.to.length; j++) {
      if (accepts(accept, rule.to[j].media_type)) {
        request.uri = uri.slice(0, uri.length - rule.from.length) + rule.to[j].extension;
        break;
      }
    }
    break;
  }
  return request;
}
