-- Layout that Markdown cannot say, per output format. Works on the document tree, keyed
-- on classes that only our own template sets; user text is never turned into raw output.

local function wrap_typst(el, opening)
  local out = { pandoc.RawBlock("typst", opening) }
  for _, block in ipairs(el.content) do
    table.insert(out, block)
  end
  table.insert(out, pandoc.RawBlock("typst", "]"))
  return out
end

function Div(el)
  if el.classes:includes("signature") then
    if FORMAT == "typst" then
      return wrap_typst(el, "#block(breakable: false, above: 1.8em, below: 1.2em)[")
    elseif FORMAT == "docx" then
      -- The paragraph with the line to sign on gets a style of its own (Underskriftslinje),
      -- which leaves room above the line for a hand-written signature.
      local before, line = {}, {}
      for _, block in ipairs(el.content) do
        local first = block.content and block.content[1]
        if first and first.t == "Span" and first.classes:includes("signature-line") then
          table.insert(line, block)
        else
          table.insert(before, block)
        end
      end
      return {
        pandoc.Div(before, pandoc.Attr("", {}, { ["custom-style"] = "Signatur" })),
        pandoc.Div(line, pandoc.Attr("", {}, { ["custom-style"] = "Underskriftslinje" })),
      }
    end
  elseif el.classes:includes("status-banner") then
    if FORMAT == "typst" then
      return wrap_typst(el, "#block(width: 100%, inset: 8pt, fill: luma(235), stroke: (left: 3pt + luma(90)))[")
    elseif FORMAT == "docx" then
      el.attributes["custom-style"] = "Statusmarkering"
      return el
    end
  end
end

function Header(el)
  -- Word numbers the headings itself (outline numbering in the reference document's heading
  -- styles); an unnumbered heading is marked by its bookmark name for partnerskab/docx.py.
  if FORMAT == "docx" and el.classes:includes("unnumbered") then
    el.identifier = "unnumbered-" .. el.identifier
  end
  -- The signatures start on a page of their own, so the signing page stands alone; so does
  -- the amendment log after them.
  if el.classes:includes("signatures") or el.classes:includes("appendix") then
    if FORMAT == "typst" then
      return { pandoc.RawBlock("typst", "#pagebreak(weak: true)"), el }
    elseif FORMAT == "docx" then
      return { pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'), el }
    end
  end
end

function Link(el)
  -- An annex's copy lies beside the HTML, which links to it; a PDF or DOCX travels alone, so
  -- there it is named, not linked.
  if el.classes:includes("annex") and FORMAT ~= "html5" and FORMAT ~= "html" then
    return el.content
  end
  el.classes = el.classes:filter(function (c) return c ~= "annex" end)
  return el
end

function Span(el)
  -- The line to sign on: in the PDF a ruled space tall enough for a hand-written signature.
  if el.classes:includes("signature-line") and FORMAT == "typst" then
    return pandoc.RawInline("typst", "#box(width: 9cm, height: 3em, stroke: (bottom: 0.6pt))")
  end
end

-- Pandoc's Typst writer (3.9) escapes a paragraph that starts with "-", "+", "/", "=" or
-- "1." but not the same text at the start of a list item or a table cell, where Typst would
-- read it as a nested list, a term or a heading. An empty string expression in front keeps
-- the text literal and shows nothing.
local function starts_like_typst_markup(text)
  return text:match("^[-+/=]") or text:match("^%d+%.")
end

local function guard_typst_line_start(el)
  if FORMAT == "typst" then
    local first = el.content[1]
    if first and first.t == "Str" and starts_like_typst_markup(first.text) then
      table.insert(el.content, 1, pandoc.RawInline("typst", '#"";'))
      return el
    end
  end
end

Plain = guard_typst_line_start
Para = guard_typst_line_start

-- Typst reads "..." as an ellipsis (…), "-?" as a soft hyphen and "-" before a digit as a minus
-- sign (−), and pandoc 3.9's Typst writer escapes none of them. What was typed is what the PDF
-- shows, as in HTML and DOCX: the second and third dot, and a "-" before "?" or a digit, are
-- written escaped. (The rest stays a Str, for pandoc to escape; only these fixed escapes are ours.)
local function typed_as_typed(text)
  if not (text:find("..", 1, true) or text:find("%-[%?%d]")) then
    return nil
  end
  local out, buffer, previous = {}, {}, ""
  for i = 1, #text do
    local char, following = text:sub(i, i), text:sub(i + 1, i + 1)
    local dots = char == "." and previous == "."
    local hyphen = char == "-" and (following == "?" or following:match("%d") ~= nil)
    if dots or hyphen then
      if #buffer > 0 then
        table.insert(out, pandoc.Str(table.concat(buffer)))
        buffer = {}
      end
      table.insert(out, pandoc.RawInline("typst", "\\" .. char))
    else
      table.insert(buffer, char)
    end
    previous = char
  end
  if #buffer > 0 then
    table.insert(out, pandoc.Str(table.concat(buffer)))
  end
  return out
end

function Str(el)
  if FORMAT == "typst" then
    return typed_as_typed(el.text)
  end
end

-- Logos: Typst reads the copy in its root (the attribute typst-src, set by our template), and
-- gets the alt text that PDF/UA requires, written as a Typst string literal.
function Image(el)
  local file = el.attributes["typst-src"]
  if FORMAT == "typst" and file then
    local alt = pandoc.utils.stringify(el.caption):gsub("\\", "\\\\"):gsub('"', '\\"')
    local height = el.attributes["height"] or "1.4cm"
    return pandoc.RawInline("typst", string.format('#box(image("%s", height: %s, alt: "%s"))', file, height, alt))
  end
  el.attributes["typst-src"] = nil
  return el
end

-- In HTML a table scrolls inside its own container when it is wider than a phone's screen; the
-- container can be reached with the keyboard and is named by the table's caption.
function Table(el)
  if FORMAT == "html5" or FORMAT == "html" then
    local name = pandoc.utils.stringify(el.caption.long)
    local attributes = { tabindex = "0", role = "region" }
    if name ~= "" then
      attributes["aria-label"] = name
    end
    return pandoc.Div({ el }, pandoc.Attr("", { "table-scroll" }, attributes))
  end
end
