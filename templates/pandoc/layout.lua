-- Layout that Markdown cannot say, per output format. Works on the document tree, keyed
-- on classes that only our own template sets; user text is never turned into raw output.

-- `items` (blocks or inlines) inside a Typst call that takes content: `opening`, the items as
-- pandoc writes (and escapes) them, and "]". `Raw` is pandoc.RawBlock or pandoc.RawInline.
local function enclosed(items, opening, Raw)
  local out = { Raw("typst", opening) }
  for _, item in ipairs(items) do
    table.insert(out, item)
  end
  table.insert(out, Raw("typst", "]"))
  return out
end

local function wrap_typst(el, opening)
  return enclosed(el.content, opening, pandoc.RawBlock)
end

-- Labels for the table of contents, from the metadata (our own texts, set in render.py).
local meta_labels = {}

-- Which of Socialstyrelsen's ten key elements of a partnership agreement a section holds, by
-- the section's identifier (templates/agreement.md.j2). The PDF's table of contents names them.
local KEY_ELEMENTS = {
  partners = 1, purpose = 2, roles = 3, economy = 4, organisation = 5,
  resources = 6, duration = 7, values = 8, changes = 9, signatures = 10,
}

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- The number Typst's numbering "1.1" gives `heading` («4», «4.2»), counting in `counts` (one
-- count per level, for the headings before it); nil for an unnumbered heading, which Typst
-- does not count.
local function heading_number(counts, heading)
  if heading.classes:includes("unnumbered") then
    return nil
  end
  for level = 1, heading.level - 1 do
    counts[level] = counts[level] or 0
  end
  for level = heading.level + 1, #counts do
    counts[level] = nil
  end
  counts[heading.level] = (counts[heading.level] or 0) + 1
  return table.concat(counts, ".", 1, heading.level)
end

-- Calls visit(heading, number) for each heading in `blocks`, in order; headings stand at the
-- top of the document or in a Div. `visit` may return blocks to stand in the heading's place.
local function walk_headings(blocks, visit)
  local counts = {}
  local function walk(list)
    local out = {}
    for _, block in ipairs(list) do
      if block.t == "Header" then
        for _, b in ipairs(visit(block, heading_number(counts, block)) or { block }) do
          table.insert(out, b)
        end
      else
        if block.t == "Div" then
          block.content = walk(block.content)
        end
        table.insert(out, block)
      end
    end
    return out
  end
  return walk(blocks)
end

-- What the PDF's table of contents will hold (read before the passes that change the blocks):
-- how many entries (the sections, unless unlisted) and the longest section numbers (Typst
-- measures them and takes the widest).
local contents = { entries = 0, longest = {} }

local function survey_contents(blocks)
  contents = { entries = 0, longest = {} }
  walk_headings(blocks, function(heading, number)
    if heading.level == 1 and not heading.classes:includes("unlisted") then
      contents.entries = contents.entries + 1
      local longest = contents.longest[1]
      if number and (not longest or #number > #longest) then
        contents.longest = { number }
      elseif number and #number == #longest then
        table.insert(contents.longest, number)
      end
    end
  end)
end

-- The PDF's table of contents: every numbered section with its page, and after the title of
-- each section that holds one of the ten key elements, «nøgleelement N».
--
-- Typst lays a document out again until what it looked up (page numbers, headings' numbers)
-- no longer changes; in its first pass it knows nothing, so the table of contents is empty.
-- Three things here let it finish in two passes instead of three (the third was a sixth of its
-- work):
-- - in the first pass, space as tall as the entries will be stands in for them, so the text
--   after the table of contents starts where it will: per entry a line's cap height and the
--   leading under it, (0.698 + 0.62) × 9.5 pt, less 0.89 pt for how the spacing around the
--   entries meets (measured; tests/test_layout.py checks it to the point). Were it wrong,
--   Typst would only take a third pass;
-- - the entries' numbers stand in a box as wide as the widest number, with a fixed indent,
--   instead of Typst's automatic indent, which looks up every entry's number width (none in
--   the first pass); the entries come out the same;
-- - each heading's number is given with the heading (number_headings below).
local function typst_contents()
  local keys = {}
  for id, n in pairs(KEY_ELEMENTS) do
    table.insert(keys, string.format("%s: %d", typst_string(id), n))
  end
  table.sort(keys)
  local label = typst_string(meta_labels["key-element"] or "")
  local longest = {}
  for _, number in ipairs(contents.longest) do
    table.insert(longest, typst_string(number) .. ",")
  end
  longest = table.concat(longest, " ")
  return table.concat({
    "#block(above: 0.6em, below: 1.4em)[",
    "#let keys = (" .. table.concat(keys, ", ") .. ")",
    "#show outline.entry.where(level: 1): it => {",
    '  let id = it.element.at("label", default: none)',
    "  let key = if id != none { keys.at(str(id), default: none) } else { none }",
    "  let note = if key != none { [ #text(size: 8pt, fill: muted)[· " .. "#" .. label .. " #key]] }",
    "  let prefix = it.prefix()",
    "  let prefix = if prefix != none { box(width: calc.max(0pt, ..(" .. longest .. ").map(n => measure(n).width)), prefix) }",
    "  link(it.element.location(), it.indented(prefix, [#it.body()#note #box(width: 1fr, it.fill) #it.page()]))",
    "}",
    "#show outline: set text(size: 9.5pt)",
    "#show outline: set par(justify: false)",
    "#outline(title: text(size: 10.5pt, fill: accent)[#" .. typst_string(meta_labels["toc-title"] or "") .. "], depth: 1, indent: 0pt)",
    contents.entries > 0
        and string.format("#context if query(outline).len() == 0 { v(%d * 1.318 * 9.5pt - 0.89pt) }", contents.entries)
      or "",
    -- what «nøgleelement N» in the entries means
    "#block(above: 0.5em, text(size: 8pt, fill: muted)[#" .. typst_string(meta_labels["key-element-note"] or "") .. "])",
    "]",
  }, "\n")
end

function Div(el)
  if el.classes:includes("contents") then
    if FORMAT == "typst" then
      return pandoc.RawBlock("typst", typst_contents())
    end
    return {}
  elseif el.classes:includes("agreement-meta") then
    if FORMAT == "docx" then
      el.attributes["custom-style"] = "Aftaleoplysninger" -- a shaded box with a bar, as in the PDF
      return el
    end
    if FORMAT == "typst" then
      -- ragged right: a line of case numbers («J.nr. 17/2025-0001234;») cannot be spaced out
      return wrap_typst(el, "#block(width: 100%, inset: (x: 10pt, y: 8pt), fill: fill-head, stroke: (left: 3pt + accent), below: 1.4em)[#set par(justify: false)\n")
    end
  elseif el.classes:includes("runin") then
    -- A run-in label («Metoder», «Forventninger») stays with the text it introduces.
    if FORMAT == "typst" then
      return wrap_typst(el, "#block(sticky: true, above: 1.3em, below: 0.6em)[")
    elseif FORMAT == "docx" then
      el.attributes["custom-style"] = "Mellemrubrik"
      return el
    end
    return el.content
  elseif el.classes:includes("status-banner") then
    if FORMAT == "typst" and el.classes:includes("draft") then
      -- A draft is marked in red, as in the HTML (agreement.css) and the DOCX; an ended
      -- agreement in grey.
      return wrap_typst(el, '#block(width: 100%, inset: 8pt, fill: rgb("#fdecea"), stroke: (left: 3pt + rgb("#a01c1c")))[#show strong: set text(fill: rgb("#a01c1c"))')
    elseif FORMAT == "typst" then
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
  -- The amendment log starts on a page of its own. (The signatures follow the text directly,
  -- so the page that is signed also holds the end of the agreement: see Pandoc below.)
  if el.classes:includes("appendix") then
    if FORMAT == "typst" then
      return { pandoc.RawBlock("typst", "#pagebreak(weak: true)"), el }
    elseif FORMAT == "docx" then
      return { pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'), el }
    end
  end
  return el
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

-- The line to sign on: in the PDF a ruled space tall enough for a hand-written signature.
local SIGNATURE_LINE = "#box(width: 100%, height: 2.6cm, stroke: (bottom: 0.6pt))"

function Span(el)
  if el.classes:includes("signature-line") and FORMAT == "typst" then
    return pandoc.RawInline("typst", SIGNATURE_LINE)
  end
  -- Text that must not break across lines (render.py's nowrap): Typst breaks after an en dash.
  if el.classes:includes("nowrap") and FORMAT == "typst" then
    return enclosed(el.content, "#box[", pandoc.RawInline)
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

-- The PDF's text is not hyphenated (agreement.typst), but a word of WIDE_WORD letters or more
-- may be wider than its column (a signature beside another is 7.7 cm wide, about 40 letters;
-- the page about 80): kept whole, it would run over the margin or into the next column. Such a
-- word (not an address, a number or a code) may be hyphenated wherever it stands. Shorter
-- words are never broken. (Tables, whose columns are narrower, use LONG_WORD below.)
local WIDE_WORD = 30

-- `str` marked as a word Typst may hyphenate, when it is a word (not an address, a number or a
-- code) of `letters` letters or more, closing punctuation aside; else nil.
local function hyphenatable(str, letters)
  local word = str.text:gsub("[%p]+$", "")
  local count = utf8.len(word)
  if count and count >= letters and not word:find("[%d/:@%.]") then
    return enclosed({ str }, "#text(hyphenate: true)[", pandoc.RawInline)
  end
end

function Str(el)
  if FORMAT == "typst" then
    return hyphenatable(el, WIDE_WORD) or typed_as_typed(el.text)
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

-- In the PDF a table's columns are narrow and its words are not hyphenated (agreement.typst),
-- except a word of 16 letters or more, which may be wider than its column: whole, it would run
-- into the next one. Such a word (not an address, a number or a code) may be hyphenated.
local LONG_WORD = 16

-- An address (an e-mail, a web address, a file name) is never hyphenated: a hyphen would look
-- like part of it. A long one may also break before each ".", "@", "/" or "_" that has more of
-- the address after it, as style guides break addresses (never before a closing "." or ")").
-- The place is an empty box, between which and text Typst may break a line; nothing is added
-- to the text, so what a reader copies from the PDF is the address as written (a zero-width
-- space would be copied too, and spoil the address). A "." between two digits is a number's
-- (150.000 in «i alt 150.000 kr.», held together by no-break spaces): never broken there.
local SEPARATOR = "[@/._]"
-- After the separators: a letter or digit (ASCII, or the first byte of a letter in UTF-8 from
-- U+00C0 on; not a no-break space, "»" or another sign from U+0080 to U+00BF).
local MORE = "^[@/._]+[%w\195-\244]"

local function address_parts(text)
  if not (utf8.len(text) and utf8.len(text) >= LONG_WORD and text:find("%a")) then
    return nil
  end
  local out, start = {}, 1
  for i = 2, #text do
    local separator = text:sub(i, i):find(SEPARATOR) and not text:sub(i - 1, i - 1):find(SEPARATOR)
    local in_number = text:sub(i - 1, i - 1):find("%d") and text:sub(i + 1, i + 1):find("%d")
    if separator and not in_number and text:find(MORE, i) then
      table.insert(out, pandoc.Str(text:sub(start, i - 1)))
      table.insert(out, pandoc.RawInline("typst", "#box();")) -- ";": a "." after it is text
      start = i
    end
  end
  if #out == 0 then
    return nil
  end
  table.insert(out, pandoc.Str(text:sub(start)))
  return out
end

local function hyphenate_long_words(el)
  return pandoc.walk_block(el, {
    Str = function(str)
      return hyphenatable(str, LONG_WORD) or address_parts(str.text)
    end,
  })
end

-- A table in the PDF under a third of a page (8.5 cm) is kept on one page; a longer one may
-- break between rows (agreement.typst). partnerskab/table_height.py decides from the font's
-- widths, where it can be sure, and render.lua hands the decisions over (TABLE_DECISIONS: a
-- letter for each table, in the order they stand). A measure by Typst lays the table out again
-- in each of Typst's passes; measuring every table was a fifth of its work.
local OPENINGS = {
  W = "#block(breakable: false)[", -- kept whole
  B = "#block(breakable: true)[", -- may break
  M = "#measured-table[", -- Typst measures it (agreement.typst)
}

local function table_in_block(tbl, decision)
  local opening = OPENINGS[decision] or OPENINGS.M
  return { pandoc.RawBlock("typst", opening), tbl, pandoc.RawBlock("typst", "]") }
end

-- Blocks that may hold a table (in the Markdown that pandoc_json.py does not read).
local HOLDERS = { BulletList = true, OrderedList = true, BlockQuote = true, DefinitionList = true, Figure = true }

-- Every table in the document, in its block (table_in_block). The tables at the top of the
-- document and in Divs (all there are, when pandoc_json.py read the document) take their
-- decision in order; any other table (in a list or a quote, from pandoc's reader) and every
-- table without a decision is measured.
local function keep_tables_whole(doc)
  -- render.lua sets TABLE_DECISIONS; pandoc --lua-filter (render.convert_with_processes, the
  -- route before issue 12, which tests compare with) may be given them in PARTNERSKAB_TABLES
  local given = TABLE_DECISIONS or os.getenv("PARTNERSKAB_TABLES")
  local decisions = given or ""
  local function count(list)
    local n = 0
    for _, block in ipairs(list) do
      n = n + (block.t == "Table" and 1 or block.t == "Div" and count(block.content) or 0)
    end
    return n
  end
  if given and count(doc.blocks) ~= #decisions then
    given, decisions = nil, "" -- not the tables pandoc_json.py read: Typst measures them all
  end
  local seen = 0
  local function blocks(list)
    local out = {}
    for _, block in ipairs(list) do
      if block.t == "Table" then
        seen = seen + 1
        for _, b in ipairs(table_in_block(block, decisions:sub(seen, seen))) do
          table.insert(out, b)
        end
      elseif block.t == "Div" then
        block.content = blocks(block.content)
        table.insert(out, block)
      elseif not given and HOLDERS[block.t] then
        table.insert(out, block:walk({
          Table = function(inner)
            return table_in_block(inner, "M")
          end,
        }))
      else
        table.insert(out, block)
      end
    end
    return out
  end
  doc.blocks = blocks(doc.blocks)
  return doc
end

-- In HTML a table scrolls inside its own container when it is wider than a phone's screen; the
-- container can be reached with the keyboard and is named by the table's caption.
function Table(el)
  if FORMAT == "html5" or FORMAT == "html" then
    local name = pandoc.utils.stringify(el.caption.long)
    -- A list of pairs, not a Lua table keyed by name: the attributes keep their order, so
    -- building twice gives the same bytes.
    local attributes = { { "tabindex", "0" }, { "role", "region" } }
    if name ~= "" then
      table.insert(attributes, { "aria-label", name })
    end
    return pandoc.Div({ el }, pandoc.Attr("", { "table-scroll" }, attributes))
  end
end

-- The signatures section (its heading and every signature block) stays together: on the page
-- where the text ends, when it fits there, else on the next page. Only a section taller than a
-- whole page (many signatories) breaks, between two rows of signatures. So the page that is
-- signed also holds the end of the text when there is room, and no page holds just the last
-- couple of lines before a signature page. The signatures stand two by two, each pair unbroken,
-- and the lines to sign on of a pair are level, however long the names above them are.
-- The section keeps the space above it that every other section heading has (1.7em of 13pt).
local SECTION_END = table.concat({
  "]",
  "#block(above: 1.7 * 13pt, width: 100%, layout(size => {",
  "  if measure(signatures-section, width: size.width).height < size.height {",
  "    block(breakable: false, signatures-section)",
  "  } else { signatures-section }",
  "}))",
}, "\n")

-- A signature block's parts: what stands above the line to sign on, and the paragraph that
-- holds the line (with the name and title under it). The line is the template's span, or,
-- once the Typst filter above has run, the box it became.
local function signature_parts(div)
  local before, line = {}, {}
  for _, block in ipairs(div.content) do
    local first = block.content and block.content[1]
    local is_line = first
      and (
        (first.t == "Span" and first.classes:includes("signature-line"))
        or (first.t == "RawInline" and first.text == SIGNATURE_LINE)
      )
    table.insert(is_line and line or before, block)
  end
  return before, line
end

-- The document with each run of signature blocks (a side's, or all of them) given to `wrap`,
-- which returns the block that stands in the run's place.
local function signature_runs(doc, wrap)
  local out, run = {}, {}
  local function flush()
    if #run > 0 then
      table.insert(out, wrap(run))
      run = {}
    end
  end
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.classes:includes("signature") then
      table.insert(run, block)
    else
      flush()
      table.insert(out, block)
    end
  end
  flush()
  doc.blocks = out
  return doc
end

-- The characters of a signature block beyond which it may not fit on one page in its column.
local LONG_SIGNATURE = 1200

local function keep_signatures_together(doc)
  if FORMAT ~= "typst" then
    return nil
  end
  local out, inside, pair = {}, false, {}
  local pairs_in_run = 0 -- pairs since the last block that is not a signature
  local function raw(text)
    table.insert(out, pandoc.RawBlock("typst", text))
  end
  local function cell(blocks)
    raw("[#set par(justify: false)")
    for _, inner in ipairs(blocks) do
      table.insert(out, inner)
    end
    raw("],")
  end
  -- Two signatures side by side: a row with what stands above their lines, a row with the
  -- lines, so both lines start at the same height. The pair never breaks across pages.
  local function flush_pair()
    if #pair == 0 then
      return
    end
    local above = pairs_in_run > 0 and ", above: 1.6em" or ""
    -- A pair is kept on one page, unless its text could not fit on one (a title of a page's
    -- length): then it may break, rather than run over the footer.
    local parts, length = {}, 0
    for i = 1, 2 do
      local block = pair[i] or pandoc.Div({})
      parts[i] = { signature_parts(block) }
      length = math.max(length, utf8.len(pandoc.utils.stringify(block)) or 0)
    end
    local breakable = length > LONG_SIGNATURE and "true" or "false"
    raw("#block(breakable: " .. breakable .. ", width: 100%" .. above .. ", grid(columns: (1fr, 1fr), column-gutter: 1.2cm, inset: (top: 0.4em),")
    cell(parts[1][1])
    cell(parts[2][1])
    cell(parts[1][2])
    cell(parts[2][2])
    raw("))")
    pair = {}
    pairs_in_run = pairs_in_run + 1
  end
  for _, block in ipairs(doc.blocks) do
    local signature = inside and block.t == "Div" and block.classes:includes("signature")
    if not signature then
      flush_pair()
      pairs_in_run = 0
    end
    local next_section = (block.t == "Header" and block.level == 1)
      or (block.t == "RawBlock" and block.text:match("^#pagebreak")) -- before the amendment log
    if next_section and inside then
      raw(SECTION_END)
      inside = false
    end
    if block.t == "Header" and block.level == 1 and block.classes:includes("signatures") then
      inside = true
      raw("#let signatures-section = [")
    end
    if signature then
      table.insert(pair, block)
      if #pair == 2 then
        flush_pair()
      end
    else
      table.insert(out, block)
    end
  end
  flush_pair()
  if inside then
    raw(SECTION_END)
  end
  doc.blocks = out
  return doc
end

-- For the DOCX: the signatures two by two, as in the PDF, in a table without lines (partnerskab/
-- docx.py takes its lines away and keeps its rows whole). Each pair is two rows: what stands
-- above the lines, then the lines, so the lines of a pair are level. The paragraph with the
-- line to sign on has a style of its own (Underskriftslinje), which leaves room above the line
-- for a hand-written signature; the rest of a block is Signatur.
local function styled(blocks, style)
  if #blocks == 0 then
    return {}
  end
  return { pandoc.Div(blocks, pandoc.Attr("", {}, { ["custom-style"] = style })) }
end

local function docx_signature_parts(div)
  local before, line = signature_parts(div)
  for _, block in ipairs(line) do
    -- The line is typed; 30 of them (about 5 cm) fit in half the page's width in any of the
    -- fonts Word or LibreOffice may show instead of IBM Plex Sans.
    block.content[1] = pandoc.Str(string.rep("_", 30))
  end
  return styled(before, "Signatur"), styled(line, "Underskriftslinje")
end

local function signatures_side_by_side(doc)
  return signature_runs(doc, function(run)
    local rows = {}
    for i = 1, #run, 2 do
      local left_above, left_line = docx_signature_parts(run[i])
      local right_above, right_line = {}, {}
      if run[i + 1] then
        right_above, right_line = docx_signature_parts(run[i + 1])
      end
      table.insert(rows, pandoc.Row({ pandoc.Cell(left_above), pandoc.Cell(right_above) }))
      table.insert(rows, pandoc.Row({ pandoc.Cell(left_line), pandoc.Cell(right_line) }))
    end
    local body = { attr = pandoc.Attr(), body = rows, head = {}, row_head_columns = 0 }
    local columns = { { pandoc.AlignDefault, 0.5 }, { pandoc.AlignDefault, 0.5 } }
    return pandoc.Table(pandoc.Caption(), columns, pandoc.TableHead(), { body }, pandoc.TableFoot())
  end)
end

-- For the HTML: each run of signatures in a grid (agreement.css), two or more side by side
-- where there is room. Each block is two parts, what stands above the line and the line with
-- the name and title under it, so that the grid gives the parts of a row one height each: the
-- lines of a row are level, whatever stands above or under them.
local function signature_grid(doc)
  return signature_runs(doc, function(run)
    for _, div in ipairs(run) do
      local before, line = signature_parts(div)
      div.content = {
        pandoc.Div(before, pandoc.Attr("", { "signature-top" })),
        pandoc.Div(line, pandoc.Attr("", { "signature-bottom" })),
      }
    end
    return pandoc.Div(run, pandoc.Attr("", { "signature-grid" }))
  end)
end

-- In the PDF, each numbered heading gets its number with it (a numbering that gives just that
-- number, set for the heading alone), the number Typst's "1.1" would give it. Typst numbers a
-- heading from a counter, which it looks up in the document of its previous pass; in the first
-- pass every heading is numbered 0, so a second pass finds the numbers changed and a third is
-- needed. The PDF is the same. Run last: keep_signatures_together finds the sections by their
-- headings, which must still stand alone among the blocks.
local function number_headings(doc)
  doc.blocks = walk_headings(doc.blocks, function(heading, number)
    if number then
      return {
        pandoc.RawBlock("typst", "#[#set heading(numbering: (..) => " .. typst_string(number) .. ")"),
        heading,
        pandoc.RawBlock("typst", "]"),
      }
    end
  end)
  return doc
end

local function read_meta(meta)
  for _, key in ipairs({ "toc-title", "key-element", "key-element-note" }) do
    if meta[key] then
      meta_labels[key] = pandoc.utils.stringify(meta[key])
    end
  end
end

-- The blocks at the top of the document that `walk` is applied to, each walked with `filter`
-- and then given to `filter`'s function for its own kind (a block's walk leaves out the block
-- itself). The functions here return one element, or nil.
local function walk_some(blocks, indices, filter)
  for _, i in ipairs(indices) do
    local block = blocks[i]:walk(filter)
    local own = filter[block.t]
    blocks[i] = own and own(block) or block
  end
end

-- The passes, with only the functions that change something in this format: a function that
-- would return nil is left out, because handing every Str, Para and Span of a document to Lua
-- and back is most of a filter's cost (the HTML and DOCX filters run in a third of the time).
-- For the PDF: the metadata first (the labels), then the document, then the signatures.
local typst = FORMAT == "typst"
local html = FORMAT == "html5" or FORMAT == "html"
-- The functions on inline elements (besides Str) and on the paragraphs that may need a guard.
-- Lua calls each for every element of its kind, and an inline function makes pandoc go through
-- every inline of the document, which cost more than all the functions did.
local inline = { Link = Link, Image = Image, Span = typst and Span or nil }
local guard = typst and { Plain = Plain, Para = Para } or {}
-- The block functions. A heading is changed for the PDF and the DOCX only.
local elements = { Div = Div, Header = not html and Header or nil }
-- render.lua sets TYPED_AS_TYPED to false when no text holds "..", "-?" or "-" and a digit,
-- and WIDE_WORDS to false when none holds a word of WIDE_WORD letters (what Str above
-- rewrites); pandoc --lua-filter leaves both nil.
local strings = typst and (TYPED_AS_TYPED ~= false or WIDE_WORDS ~= false)
if html then
  elements.Table = Table
elseif typst then
  elements.Table = hyphenate_long_words
end
-- render.lua sets WALK_BLOCKS when it knows (partnerskab/pandoc_json.py) which top-level blocks
-- hold an inline element of `inline`'s kinds (WALK_BLOCKS.inline, their numbers) and which a
-- paragraph that may need a guard (WALK_BLOCKS.guard); only those are walked, in a pass of
-- their own before `elements`, which is where a walk of the whole document applies them (inline functions first, then
-- block functions from the innermost out). With a Str function to apply, every inline is seen
-- anyway, and the document is walked whole.
local passes = {}
if typst then
  table.insert(passes, {
    Pandoc = function(doc)
      read_meta(doc.meta)
      survey_contents(doc.blocks)
    end,
  })
end
if WALK_BLOCKS and not strings then
  table.insert(passes, {
    Pandoc = function(doc)
      local blocks = doc.blocks
      walk_some(blocks, WALK_BLOCKS.inline, inline)
      if typst then -- the guard is the PDF's alone
        walk_some(blocks, WALK_BLOCKS.guard, guard)
      end
      doc.blocks = blocks
      return doc
    end,
  })
else
  for name, fn in pairs(inline) do
    elements[name] = fn
  end
  for name, fn in pairs(guard) do
    elements[name] = fn
  end
  if strings then
    elements.Str = Str
  end
end
table.insert(passes, elements)
if FORMAT == "docx" then
  table.insert(passes, { Pandoc = signatures_side_by_side })
elseif html then
  table.insert(passes, { Pandoc = signature_grid })
elseif typst then
  -- the tables in their blocks, the signatures kept together, the headings numbered, in one
  -- pass: each pass hands the whole document from pandoc to Lua and back
  table.insert(passes, {
    Pandoc = function(doc)
      local top = { blocks = doc.blocks }
      keep_tables_whole(top)
      keep_signatures_together(top)
      number_headings(top)
      doc.blocks = top.blocks
      return doc
    end,
  })
end
return passes
