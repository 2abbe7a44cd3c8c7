#include "lib/html.h"

#include <fmt/format.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>
#include <unicode/ucnv.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "lib/text.h"

namespace karta {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Reads a charset token at s[i...]: optional quotes, up to ; " ' space > /.
std::string CharsetToken(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '=')) ++i;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) ++i;
  size_t j = i;
  while (j < s.size() && s[j] != ';' && s[j] != '"' && s[j] != '\'' && s[j] != ' ' && s[j] != '>' &&
         s[j] != '/' && s[j] != ',' && s[j] != '\t') {
    ++j;
  }
  return LowerAscii(s.substr(i, j - i));
}

const char* Name(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

bool Is(const xmlNode* n, const char* name) { return std::strcmp(Name(n), name) == 0; }

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

bool HasAttr(const xmlNode* n, const char* name) {
  return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

bool Skipped(const xmlNode* n) {
  static const std::unordered_set<std::string_view> kSkip = {
      "script", "style", "noscript", "template", "head", "iframe",
      "object", "embed", "svg",      "canvas",   "math"};
  if (kSkip.count(Name(n))) return true;
  if (HasAttr(n, "hidden")) return true;
  if (LowerAscii(Attr(n, "aria-hidden")) == "true") return true;
  if (HasAttr(n, "style")) {
    std::string style;
    for (char c : Attr(n, "style")) {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') style.push_back(Lower(c));
    }
    if (style.find("display:none") != std::string::npos ||
        style.find("visibility:hidden") != std::string::npos) {
      return true;
    }
  }
  if (Is(n, "input") && LowerAscii(Attr(n, "type")) == "hidden") return true;
  return false;
}

bool Block(const xmlNode* n) {
  static const std::unordered_set<std::string_view> kBlock = {
      "p",       "div",     "br",     "li",      "ul",       "ol",     "h1",      "h2",
      "h3",      "h4",      "h5",     "h6",      "tr",       "td",     "th",      "table",
      "section", "article", "header", "footer",  "nav",      "aside",  "main",    "blockquote",
      "pre",     "hr",      "dl",     "dt",      "dd",       "form",   "figure",  "figcaption",
      "address", "option",  "title",  "caption", "fieldset", "legend", "details", "summary",
      "body",    "html",    "img",    "button",  "label",    "time"};
  return kBlock.count(Name(n)) > 0;
}

void CollectText(const xmlNode* n, std::string* out, int depth) {
  if (depth > 512) return;
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out->append(reinterpret_cast<const char*>(c->content));
    } else if (c->type == XML_ELEMENT_NODE) {
      if (Skipped(c)) continue;
      bool block = Block(c);
      if (block) out->push_back('\n');
      if (Is(c, "img")) {
        // Alt text is what a reader of the page without images sees.
        std::string alt = Attr(c, "alt");
        if (!alt.empty()) out->append(alt);
      }
      CollectText(c->children, out, depth + 1);
      if (block) out->push_back('\n');
    }
  }
}

std::string NodeText(const xmlNode* n) {
  if (n->type == XML_ELEMENT_NODE) {
    if (Skipped(n) && !Is(n, "head")) return {};
    std::string raw;
    CollectText(n->children, &raw, 0);
    return NormalizeSpace(raw);
  }
  if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
    std::string raw;
    CollectText(n->children, &raw, 0);
    return NormalizeSpace(raw);
  }
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return {};
  std::string out = NormalizeSpace(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

const xmlNode* FindElement(const xmlNode* n, const char* name, int depth = 0) {
  if (depth > 512) return nullptr;
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (Is(c, name)) return c;
    if (const xmlNode* f = FindElement(c->children, name, depth + 1)) return f;
  }
  return nullptr;
}

void CollectLinks(const xmlNode* n, const std::string& base, std::vector<std::string>* out,
                  std::unordered_set<std::string>* seen, int depth) {
  if (depth > 512) return;
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if ((Is(c, "a") || Is(c, "area")) && HasAttr(c, "href")) {
      std::string u = ResolveUrl(base, Attr(c, "href"));
      if (!u.empty() && seen->insert(u).second) out->push_back(std::move(u));
    }
    CollectLinks(c->children, base, out, seen, depth + 1);
  }
}

std::string Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  std::string lower = LowerAscii(content_type);
  size_t p = lower.find("charset");
  if (p == std::string::npos) return {};
  p += 7;
  while (p < lower.size() && lower[p] == ' ') ++p;
  if (p >= lower.size() || lower[p] != '=') return {};
  return CharsetToken(lower, p + 1);
}

std::string CharsetFromMeta(std::string_view html) {
  std::string head = LowerAscii(html.substr(0, 4096));
  size_t p = 0;
  while ((p = head.find("<meta", p)) != std::string::npos) {
    size_t end = head.find('>', p);
    if (end == std::string::npos) end = head.size();
    std::string_view tag(head.data() + p, end - p);
    size_t c = tag.find("charset");
    if (c != std::string::npos) {
      size_t q = c + 7;
      while (q < tag.size() && tag[q] == ' ') ++q;
      if (q < tag.size() && tag[q] == '=') {
        std::string cs = CharsetToken(tag, q + 1);
        if (!cs.empty()) return cs;
      }
    }
    p = end;
  }
  return {};
}

Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset) {
  std::string cs = LowerAscii(charset);
  if (cs.empty() || cs == "utf-8" || cs == "utf8") {
    if (Utf8Valid(bytes)) return std::string(bytes);
    // Invalid bytes become U+FFFD.
    std::string out;
    size_t i = 0;
    while (i < bytes.size()) AppendUtf8(&out, DecodeUtf8(bytes, &i));
    return out;
  }
  // As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean windows-1252.
  if (cs == "iso-8859-1" || cs == "latin1" || cs == "us-ascii" || cs == "ascii" ||
      cs == "iso8859-1" || cs == "l1") {
    cs = "windows-1252";
  }
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(cs.c_str(), &err);
  if (U_FAILURE(err) || !conv) {
    return Status::Data(fmt::format("unknown charset '{}'", charset));
  }
  std::string out;
  out.resize(bytes.size() * 3 + 16);
  UConverter* utf8 = ucnv_open("UTF-8", &err);
  if (U_FAILURE(err)) {
    ucnv_close(conv);
    return Status::Data("cannot open the UTF-8 converter");
  }
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(utf8, conv, &target, out.data() + out.size(), &source, bytes.data() + bytes.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &err);
  ucnv_close(conv);
  ucnv_close(utf8);
  if (U_FAILURE(err)) return Status::Data(fmt::format("cannot convert from '{}'", charset));
  out.resize(static_cast<size_t>(target - out.data()));
  return out;
}

std::string ResolveUrl(std::string_view base, std::string_view href) {
  std::string h = Trim(href);
  if (h.empty() || h.size() > 8192) return {};
  std::string b(base);
  xmlChar* r = xmlBuildURI(reinterpret_cast<const xmlChar*>(h.c_str()),
                           reinterpret_cast<const xmlChar*>(b.c_str()));
  if (!r) return {};
  std::string out(reinterpret_cast<const char*>(r));
  xmlFree(r);
  if (size_t hash = out.find('#'); hash != std::string::npos) out.resize(hash);
  std::string lower = LowerAscii(out.substr(0, 8));
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) return {};
  return out;
}

bool IsHtmlContentType(std::string_view content_type) {
  std::string ct = LowerAscii(Trim(content_type.substr(0, content_type.find(';'))));
  return ct.empty() || ct == "text/html" || ct == "application/xhtml+xml";
}

namespace {

struct LinkScan {
  std::string base;
  std::vector<std::string> links;
  std::unordered_set<std::string> seen;
  std::vector<std::string> pending;  // hrefs before a later <base>: resolved at the end
};

void ScanStart(void* ctx, const xmlChar* name, const xmlChar** attrs) {
  auto* scan = static_cast<LinkScan*>(ctx);
  const char* n = reinterpret_cast<const char*>(name);
  bool link = std::strcmp(n, "a") == 0 || std::strcmp(n, "area") == 0;
  bool base = std::strcmp(n, "base") == 0;
  if ((!link && !base) || !attrs) return;
  for (int i = 0; attrs[i]; i += 2) {
    if (std::strcmp(reinterpret_cast<const char*>(attrs[i]), "href") != 0 || !attrs[i + 1])
      continue;
    std::string href(reinterpret_cast<const char*>(attrs[i + 1]));
    if (base) {
      std::string r = ResolveUrl(scan->base, href);
      if (!r.empty()) scan->base = r;
    } else {
      std::string u = ResolveUrl(scan->base, href);
      if (!u.empty() && scan->seen.insert(u).second) scan->links.push_back(std::move(u));
    }
    break;
  }
}

// The body as UTF-8, and the charset it was read in: a byte order mark
// wins, then the Content-Type, then a <meta> charset, then a guess (UTF-8 if
// the bytes are valid UTF-8, else windows-1252). An unknown label falls back
// to the guess, as a browser would.
Result<std::string> BodyToUtf8(std::string_view body, std::string_view content_type,
                               std::string* charset) {
  *charset = CharsetFromContentType(content_type);
  std::string_view bytes = body;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    *charset = "utf-8";
    bytes.remove_prefix(3);
  } else if (bytes.substr(0, 2) == "\xFF\xFE") {
    *charset = "utf-16le";
    bytes.remove_prefix(2);
  } else if (bytes.substr(0, 2) == "\xFE\xFF") {
    *charset = "utf-16be";
    bytes.remove_prefix(2);
  }
  if (charset->empty()) *charset = CharsetFromMeta(bytes);
  if (charset->empty()) *charset = Utf8Valid(bytes) ? "utf-8" : "windows-1252";
  auto utf8 = ToUtf8(bytes, *charset);
  if (!utf8.ok()) {
    *charset = Utf8Valid(bytes) ? "utf-8" : "windows-1252";
    utf8 = ToUtf8(bytes, *charset);
  }
  if (*charset == "utf8") *charset = "utf-8";
  return utf8;
}

}  // namespace

std::vector<std::string> ScanLinks(std::string_view body, std::string_view content_type,
                                   std::string_view url) {
  std::string charset;
  auto utf8 = BodyToUtf8(body, content_type, &charset);
  if (!utf8.ok()) return {};
  LinkScan scan;
  scan.base = std::string(url);
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = ScanStart;
  htmlParserCtxtPtr ctxt =
      htmlCreatePushParserCtxt(&sax, &scan, nullptr, 0, scan.base.c_str(), XML_CHAR_ENCODING_UTF8);
  if (!ctxt) return {};
  htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                               HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
  const std::string& s = *utf8;
  size_t off = 0;
  while (off < s.size()) {
    size_t n = std::min<size_t>(1 << 16, s.size() - off);
    htmlParseChunk(ctxt, s.data() + off, static_cast<int>(n), 0);
    off += n;
  }
  htmlParseChunk(ctxt, nullptr, 0, 1);
  if (ctxt->myDoc) xmlFreeDoc(ctxt->myDoc);
  htmlFreeParserCtxt(ctxt);
  return std::move(scan.links);
}

Result<HtmlPage> HtmlPage::Parse(std::string_view body, std::string_view content_type,
                                 std::string_view url) {
  std::string charset;
  KARTA_ASSIGN_OR_RETURN(auto utf8, BodyToUtf8(body, content_type, &charset));
  std::string base(url);
  if (utf8.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::Data("the page is larger than 2 GiB (lower --max-decoded)");
  }
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
  if (!ctxt) return Status::Data("out of memory parsing the page");
  htmlDocPtr doc =
      htmlCtxtReadMemory(ctxt, utf8.data(), static_cast<int>(utf8.size()), base.c_str(), "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
  // libxml2 stops at 256 nested elements and keeps an empty document: say
  // so instead of returning a page without text (1M nested <div>s did).
  bool too_deep = ctxt->lastError.code == XML_ERR_INTERNAL_ERROR &&
                  ctxt->lastError.message != nullptr &&
                  std::strstr(ctxt->lastError.message, "Excessive depth") != nullptr;
  htmlFreeParserCtxt(ctxt);
  if (too_deep) {
    if (doc) xmlFreeDoc(doc);
    return Status::Data(
        fmt::format("the page nests elements more than {} deep (the DOM depth "
                    "limit of the HTML parser); its text cannot be read",
                    kMaxDomDepth));
  }
  if (!doc) return Status::Data("the page could not be parsed as HTML");
  HtmlPage page;
  page.doc_ = doc;
  page.charset_ = charset;
  page.base_ = base;
  // <base href> changes how relative links resolve.
  if (const xmlNode* b = FindElement(xmlDocGetRootElement(doc), "base")) {
    std::string href = Attr(b, "href");
    if (!href.empty()) {
      std::string r = ResolveUrl(base, href);
      if (!r.empty()) page.base_ = r;
    }
  }
  return page;
}

HtmlPage::HtmlPage(HtmlPage&& o) noexcept
    : doc_(o.doc_), base_(std::move(o.base_)), charset_(std::move(o.charset_)) {
  o.doc_ = nullptr;
}

HtmlPage& HtmlPage::operator=(HtmlPage&& o) noexcept {
  if (this != &o) {
    if (doc_) xmlFreeDoc(static_cast<xmlDocPtr>(doc_));
    doc_ = o.doc_;
    o.doc_ = nullptr;
    base_ = std::move(o.base_);
    charset_ = std::move(o.charset_);
  }
  return *this;
}

HtmlPage::~HtmlPage() {
  if (doc_) xmlFreeDoc(static_cast<xmlDocPtr>(doc_));
}

std::string HtmlPage::Title() const {
  auto* doc = static_cast<xmlDocPtr>(doc_);
  const xmlNode* t = FindElement(xmlDocGetRootElement(doc), "title");
  if (!t) return {};
  xmlChar* v = xmlNodeGetContent(t);
  if (!v) return {};
  std::string out = NormalizeSpace(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::string HtmlPage::VisibleText() const {
  auto* doc = static_cast<xmlDocPtr>(doc_);
  const xmlNode* root = xmlDocGetRootElement(doc);
  if (!root) return {};
  const xmlNode* body = FindElement(root, "body");
  std::string raw;
  if (body) {
    if (Skipped(body)) return {};
    CollectText(body->children, &raw, 0);
  } else {
    CollectText(root, &raw, 0);
  }
  return NormalizeSpace(raw);
}

std::vector<std::string> HtmlPage::Links() const {
  auto* doc = static_cast<xmlDocPtr>(doc_);
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  CollectLinks(xmlDocGetRootElement(doc), base_, &out, &seen, 0);
  return out;
}

static void IgnoreXmlError(void*, const char*, ...) {}

Result<XPathField> XPathField::Compile(std::string_view expr) {
  std::string e(expr);
  // libxml2 prints XPath errors by default; the library never prints.
  xmlSetGenericErrorFunc(nullptr, IgnoreXmlError);
  xmlXPathCompExprPtr comp = xmlXPathCompile(reinterpret_cast<const xmlChar*>(e.c_str()));
  if (!comp) return Status::Usage(fmt::format("'{}' is not a valid XPath expression", expr));
  XPathField f;
  f.comp_ = comp;
  f.expr_ = e;
  return f;
}

XPathField::XPathField(XPathField&& o) noexcept : comp_(o.comp_), expr_(std::move(o.expr_)) {
  o.comp_ = nullptr;
}

XPathField& XPathField::operator=(XPathField&& o) noexcept {
  if (this != &o) {
    if (comp_) xmlXPathFreeCompExpr(static_cast<xmlXPathCompExprPtr>(comp_));
    comp_ = o.comp_;
    o.comp_ = nullptr;
    expr_ = std::move(o.expr_);
  }
  return *this;
}

XPathField::~XPathField() {
  if (comp_) xmlXPathFreeCompExpr(static_cast<xmlXPathCompExprPtr>(comp_));
}

std::string XPathField::Eval(const HtmlPage& page) const {
  auto* doc = static_cast<xmlDocPtr>(page.doc());
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  if (!ctx) return {};
  xmlXPathObjectPtr res = xmlXPathCompiledEval(static_cast<xmlXPathCompExprPtr>(comp_), ctx);
  std::string out;
  if (res) {
    if (res->type == XPATH_NODESET) {
      if (res->nodesetval) {
        for (int i = 0; i < res->nodesetval->nodeNr; ++i) {
          std::string t = NodeText(res->nodesetval->nodeTab[i]);
          if (t.empty()) continue;
          if (!out.empty()) out.push_back(';');
          out += t;
        }
      }
    } else {
      xmlChar* s = xmlXPathCastToString(res);
      if (s) {
        out = NormalizeSpace(reinterpret_cast<const char*>(s));
        xmlFree(s);
      }
    }
    xmlXPathFreeObject(res);
  }
  xmlXPathFreeContext(ctx);
  return out;
}

}  // namespace karta
