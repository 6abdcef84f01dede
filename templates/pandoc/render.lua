-- One long-lived pandoc (`pandoc lua render.lua READER`) that turns agreement after agreement
-- into HTML, DOCX and Typst. partnerskab/pandoc_server.py starts it, one per render worker.
--
-- It does in one process what four pandoc runs did before, with the same result byte for byte
-- (tests/test_pandoc_server.py compares the two routes):
--   pandoc --sandbox --from READER --to json --metadata-file metadata.json
--   pandoc --sandbox --from json --to html5 --lua-filter layout.lua --standalone
--          --number-sections --shift-heading-level-by=1 --template agreement.html
--   pandoc --sandbox --from json --to docx --lua-filter layout.lua --reference-doc reference.docx
--   pandoc --sandbox --from json --to typst --lua-filter layout.lua --standalone
--          --template agreement.typst
-- The Markdown is read once, in pandoc's sandbox (no file may be read). The writers read only
-- our own templates and reference document; the DOCX writer would also read the file behind
-- an image, so every image must be a data: URI (logos are: render.logo_context).
--
-- Protocol, on stdin and stdout, binary:
--   request:  "<bytes of Markdown> <bytes of metadata JSON>\n" + Markdown + metadata
--          or "json <bytes> <typed> <wide> <inline> <guard> <tables>\n" + the document as pandoc's
--             JSON, without its "pandoc-api-version" (added here), which
--             partnerskab/pandoc_json.py made of the same Markdown and metadata: pandoc reads it
--             in a seventh of the time. <typed> and <wide> are 1 or 0: may the text need
--             layout.lua's Str functions (see below). <inline> and <guard> are the top-level
--             blocks (counted from 1, separated by commas; "-" for none, "*" for all) that may
--             need layout.lua's inline functions and its Typst paragraph guard (WALK_BLOCKS).
--             <tables> is a letter for each table, in order: kept whole (W), may break (B) or
--             measured by Typst (M), from partnerskab/table_height.py; "-" for no table
--             (TABLE_DECISIONS, layout.lua's keep_tables_whole)
--   answer:   "ok <bytes of Typst>\n" + Typst, sent at once, so that Typst can lay out the PDF
--             while pandoc goes on; then "<bytes of HTML> <bytes of DOCX>\n" + HTML + DOCX
--          or "error <bytes of message>\n" + message, instead of either part
--   A request whose metadata has warm-up: true (pandoc_server.WARM_UP) gets an empty HTML and
--   DOCX: only the Typst writer is warmed up (see there).
-- End of input ends the process. pandoc_server.py starts it with SOURCE_DATE_EPOCH=0: the date
-- pandoc's sandbox gave the DOCX it wrote before; partnerskab/docx.py dates the document.

local READER = arg[1]
local HERE = pandoc.path.directory(arg[0])
local TEMPLATES = pandoc.path.directory(HERE)
local LAYOUT = assert(loadfile(pandoc.path.join({ HERE, "layout.lua" }))) -- read once
local NOTHING = {} -- pandoc.read's sandbox: the list of files the reader may open

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("a")
  file:close()
  return text
end

local function template(name)
  local path = pandoc.path.join({ HERE, name })
  return pandoc.template.compile(read_file(path), path)
end

local REFERENCE = pandoc.path.join({ TEMPLATES, "reference.docx" })
local WRITERS = {  -- in the order the answer sends them (each writes from its own copy)
  { format = "typst", options = { template = template("agreement.typst") } },
  { format = "html5", options = { template = template("agreement.html"), number_sections = true } },
  { format = "docx", options = { reference_doc = REFERENCE } },
}

-- The DOCX writer parses the reference document's styles (word/styles.xml) for every document
-- it writes, which was a third of its time. What it writes depends on them in two ways only:
-- - its styles.xml is the reference's, with the document's language set and the styles added
--   that the document uses and the reference lacks (a `custom-style`; layout.lua uses only
--   styles the reference has);
-- - everything else uses its style map: each style's type, id, name and the style it is based
--   on (pandoc's Readers/Docx/Parse/Styles.hs), nothing more.
-- So after the first agreement in a language, documents are written with a *slim* reference
-- whose styles keep just those, and the styles.xml that the whole reference gives an empty
-- document in that language is put in its place. An agreement whose styles.xml is not what the
-- slim reference gives an empty document (a style was added) is written again the usual way, and
-- so is every agreement when the reference has a form the slimming does not know. The result is
-- the same bytes (tests/test_pandoc_server.py); it saves about 10 ms of the 45 ms a DOCX took
-- (bench/bench.py's agreements). The first agreement in a language is written the usual way,
-- and the two empty documents are written at the second, after its Typst source has gone: a
-- build of one agreement pays nothing for this.
local STYLES = "word/styles.xml"
local SLIM_REFERENCE = "slim-reference.docx" -- a name in pandoc's media bag, which fetchItem reads first

-- The styles with only what the style map reads, or nil for a form this does not know (a style
-- without a name, a self-closing one, a name written with an end tag).
local function slim_styles(xml)
  local head, body, tail = xml:match("^(.-<w:styles[%s>].->)(.*)(</w:styles>%s*)$")
  if not head or body:find("<w:style%s[^>]-/>") then
    return nil
  end
  local styles, count = {}, 0
  for _ in body:gmatch("<w:style%s") do
    count = count + 1
  end
  for style in body:gmatch("<w:style%s.-</w:style>") do
    local opening, name = style:match("^<w:style%s[^>]*>"), style:match("<w:name%s[^>]-/>")
    if not (opening and name) then
      return nil
    end
    table.insert(styles, opening .. name .. (style:match("<w:basedOn%s[^>]-/>") or "") .. "</w:style>")
  end
  return #styles == count and head .. table.concat(styles) .. tail or nil
end

-- The archive with the entry `path` made `change(contents)`, nil when it has no such entry or
-- `change` gives nil.
local function with_entry(archive, path, change)
  local entries, found = {}, false
  for _, entry in ipairs(archive.entries) do
    if entry.path == path then
      local contents = change(entry:contents())
      if contents == nil then
        return nil
      end
      entry, found = pandoc.zip.Entry(path, contents, entry.modtime), true
    end
    table.insert(entries, entry)
  end
  archive.entries = entries
  return found and archive or nil
end

local function entry_contents(docx, path)
  for _, entry in ipairs(pandoc.zip.Archive(docx).entries) do
    if entry.path == path then
      return entry:contents()
    end
  end
end

-- What the slim route knows, for the reference document as it was read last: a reference made
-- again while the process runs (`make reference-docx` beside `build.py watch`) starts it afresh.
local reference = {}

local function slim_route(language, options)
  local bytes = read_file(REFERENCE)
  if bytes ~= reference.bytes then
    reference = { bytes = bytes, seen = {}, styles = {} }
    local ok, slim = pcall(function()
      return with_entry(pandoc.zip.Archive(bytes), STYLES, slim_styles)
    end)
    reference.usable = ok and slim ~= nil
    if reference.usable then
      pandoc.mediabag.insert(SLIM_REFERENCE, "application/zip", slim:bytestring())
    end
  end
  if not reference.usable or not reference.seen[language] then -- the first agreement: as before
    reference.seen[language] = true
    return nil
  end
  if not reference.styles[language] then
    local empty = pandoc.Pandoc({}, { lang = language ~= "" and language or nil })
    local ok, styles = pcall(function()
      return {
        slim = entry_contents(pandoc.write(empty, "docx", { reference_doc = SLIM_REFERENCE }), STYLES),
        whole = entry_contents(pandoc.write(empty, "docx", options), STYLES),
      }
    end)
    if not (ok and styles.slim and styles.whole) then
      reference.usable = false
      return nil
    end
    reference.styles[language] = styles
  end
  return reference.styles[language]
end

local function write_docx(tree, options)
  local styles = slim_route(pandoc.utils.stringify(tree.meta.lang or ""), options)
  if styles then
    local archive = with_entry(
      pandoc.zip.Archive(pandoc.write(tree, "docx", { reference_doc = SLIM_REFERENCE })),
      STYLES,
      function(xml)
        return xml == styles.slim and styles.whole or nil
      end
    )
    if archive then
      return archive:bytestring()
    end
  end
  return pandoc.write(tree, "docx", options)
end

-- Whether any text could hold what layout.lua's Str rewrites for Typst ("..", "-?", "-" and a
-- digit). Markdown escapes punctuation with a backslash, so the backslashes go first. When no
-- text can, the filter leaves out its Str function, which would otherwise be called for every
-- word and change nothing.
local function may_need_typed_as_typed(text)
  text = text:gsub("\\", "")
  return text:find("..", 1, true) ~= nil or text:find("%-[%?%d]") ~= nil
end

-- Whether any text could hold a word of layout.lua's WIDE_WORD (30) letters: a run of as many
-- bytes that are ASCII letters or part of a character beyond ASCII (a letter in UTF-8 takes one
-- to four). When none can, the filter leaves out its Str function, as above.
local WIDE_RUN = string.rep("[%a\128-\255]", 30)

local function may_hold_wide_words(text)
  return text:find(WIDE_RUN) ~= nil
end

-- The layout filter as `--lua-filter` runs it: run afresh for each output (it keeps labels
-- from the metadata between its passes), with FORMAT set, its passes applied in order.
local function layout(doc, format)
  FORMAT = format
  for _, pass in ipairs(LAYOUT()) do
    doc = doc:walk(pass)
  end
  return doc
end

-- --shift-heading-level-by=1, which pandoc applies before the filters.
local function shift_headings(doc)
  return doc:walk({
    Header = function(el)
      el.level = el.level + 1
      return el
    end,
  })
end

-- Every image must be embedded (see the top): checked in the blocks that may hold one (all
-- when WALK_BLOCKS is not set), before anything is written.
local function only_embedded_images(doc)
  local filter = {
    Image = function(el)
      if not el.src:match("^data:") then
        error("an image that is not embedded: " .. el.src, 0)
      end
    end,
  }
  if not WALK_BLOCKS then
    doc:walk(filter)
    return
  end
  local blocks = doc.blocks
  for _, i in ipairs(WALK_BLOCKS.inline) do
    blocks[i]:walk(filter)
  end
end

-- What pandoc's command line does to a text before its reader sees it: no byte-order mark,
-- no carriage returns, tabs expanded to the next multiple of 4, a newline after every line.
local function as_pandoc_reads_input(text)
  text = text:gsub("^\239\187\191", ""):gsub("\r", "")
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do
    if line:find("\t", 1, true) then
      local out = {}
      local column = 0
      for _, code in utf8.codes(line) do
        if code == 9 then
          local spaces = 4 - column % 4
          table.insert(out, string.rep(" ", spaces))
          column = column + spaces
        else
          table.insert(out, utf8.char(code))
          column = column + 1
        end
      end
      line = table.concat(out)
    end
    table.insert(lines, line)
  end
  if text:sub(-1) == "\n" or text == "" then
    table.remove(lines) -- the empty piece after the last newline
  end
  return table.concat(lines, "\n") .. (#lines > 0 and "\n" or "")
end

local function read_markdown(markdown, metadata)
  WALK_BLOCKS = nil -- every block may need every function
  TABLE_DECISIONS = nil -- every table measured by Typst
  -- The text the filter's Str may see: link and image targets and our logos' file names
  -- (typst-src=logo-0.png) are never text.
  local text = (markdown .. "\n" .. metadata):gsub("%]%b()", "]"):gsub("typst%-src=[^%s}]*", "")
  TYPED_AS_TYPED = may_need_typed_as_typed(text)
  WIDE_WORDS = may_hold_wide_words(text)
  local doc = pandoc.read(as_pandoc_reads_input(markdown), READER, nil, NOTHING)
  -- --metadata-file: a YAML (here JSON) mapping whose strings are read as Markdown with the
  -- same reader; the document's own metadata (none: its blocks are off) would win.
  local meta = pandoc.read("---\n" .. metadata .. "\n---\n", READER .. "+yaml_metadata_block", nil, NOTHING).meta
  for key, value in pairs(doc.meta) do
    meta[key] = value
  end
  doc.meta = meta
  return doc
end

-- The JSON document as pandoc_json.py sent it, "pandoc-api-version" put in front: pandoc's own,
-- which its JSON reader requires.
local API_VERSION = pandoc.write(pandoc.Pandoc({}), "json"):match('^{"pandoc%-api%-version":(%b[])')

local function read_json(text, typed, wide, walk_blocks, tables)
  TYPED_AS_TYPED, WIDE_WORDS, WALK_BLOCKS, TABLE_DECISIONS = typed, wide, walk_blocks, tables
  if text:sub(1, 1) ~= "{" then
    error("a JSON document that is not an object", 0)
  end
  return pandoc.read('{"pandoc-api-version":' .. API_VERSION .. "," .. text:sub(2), "json")
end

local function convert(doc)
  local warming_up = doc.meta["warm-up"] == true -- ours (pandoc_server.WARM_UP), never the text's
  if not warming_up then
    only_embedded_images(doc)
  end
  local out = {}
  for _, writer in ipairs(WRITERS) do
    if warming_up and writer.format ~= "typst" then
      table.insert(out, "")
      goto next
    end
    local tree = doc:clone()
    if writer.format == "html5" then
      tree = shift_headings(tree)
    end
    tree = layout(tree, writer.format)
    if writer.format == "docx" then
      table.insert(out, write_docx(tree, writer.options))
    else
      table.insert(out, pandoc.write(tree, writer.format, writer.options))
    end
    if writer.format == "typst" then  -- the first part of the answer, at once
      io.stdout:write(string.format("ok %d\n", #out[1]), out[1])
      io.stdout:flush()
    end
    ::next::
  end
  return out
end

-- "-" -> {}, "3,7" -> {3, 7}
local function block_numbers(list)
  local numbers = {}
  for number in list:gmatch("%d+") do
    table.insert(numbers, tonumber(number))
  end
  return numbers
end

local function read_exactly(count)
  if count == 0 then
    return ""
  end
  local data = io.stdin:read(count)
  if data == nil or #data ~= count then
    os.exit(1) -- the other end went away mid-request
  end
  return data
end

while true do
  local header = io.stdin:read("l")
  if header == nil or header == "" then
    break
  end
  local markdown_size, metadata_size = header:match("^(%d+) (%d+)$")
  local json_size, typed, wide, inline, guard, tables =
    header:match("^json (%d+) ([01]) ([01]) ([%d,*-]+) ([%d,*-]+) ([WBM-]+)$")
  local read
  if markdown_size then
    local markdown = read_exactly(tonumber(markdown_size))
    local metadata = read_exactly(tonumber(metadata_size))
    read = function()
      return read_markdown(markdown, metadata)
    end
  elseif json_size then
    local text = read_exactly(tonumber(json_size))
    local walk_blocks = nil
    if inline ~= "*" and guard ~= "*" then
      walk_blocks = { inline = block_numbers(inline), guard = block_numbers(guard) }
    end
    read = function()
      return read_json(text, typed == "1", wide == "1", walk_blocks, tables ~= "-" and tables or "")
    end
  else
    io.stderr:write("render.lua: a request header it does not understand\n")
    os.exit(2)
  end
  local ok, result = pcall(function()
    return convert(read())
  end)
  if ok then
    io.stdout:write(string.format("%d %d\n", #result[2], #result[3]), result[2], result[3])
  else
    local message = tostring(result)
    io.stdout:write(string.format("error %d\n", #message), message)
  end
  io.stdout:flush()
end
