-- Neovim's built-in LSP client (0.7+, headless) against the Totem language server, configured as
-- docs/lsp.md says: diagnostics, hover, completion and formatting. Driven by ../neovim.mjs, which passes everything through the
-- environment and reads the JSON this script writes to $TOTEM_NVIM_OUT.
local env = vim.env
local out = { errors = {} }

local function fail(msg)
  table.insert(out.errors, msg)
end

-- The configuration docs/lsp.md shows (neovim.mjs copies it, with the server's command path): a
-- FileType autocmd that starts the client once and attaches every Totem buffer to it.
dofile(env.TOTEM_CONFIG)
local client_id

local function open(name)
  vim.cmd("edit " .. vim.fn.fnameescape(env.TOTEM_WORKSPACE .. "/" .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.wait(10000, function()
    return #vim.lsp.get_active_clients() > 0
  end, 20)
  client_id = client_id or (vim.lsp.get_active_clients()[1] or {}).id
  if not client_id then
    fail("the documented configuration started no client for " .. name .. " (filetype " .. vim.bo[bufnr].filetype .. ")")
  end
  return bufnr
end

local function request(bufnr, method, line, character)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line, character = character } }
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  for _, r in pairs(responses or {}) do
    if r.result then
      return r.result
    end
  end
  return nil
end

-- Diagnostics: the duplicate step of broken.totem.
local broken = open("broken.totem")
local started = vim.loop.hrtime()
vim.wait(15000, function()
  return #vim.diagnostic.get(broken) > 0
end, 20)
out.diagnosticsMs = math.floor((vim.loop.hrtime() - started) / 1e6)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(broken)) do
  table.insert(out.diagnostics, { code = d.code, line = d.lnum, severity = d.severity, message = d.message })
end

-- Hover on a step name and completion after `from ` in demo.totem.
local demo = open("demo.totem")
vim.wait(5000, function()
  return #vim.lsp.get_active_clients() > 0 and vim.lsp.buf_is_attached(demo, client_id)
end, 20)
local hover = request(demo, "textDocument/hover", tonumber(env.TOTEM_HOVER_LINE), tonumber(env.TOTEM_HOVER_CHAR))
out.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL
local completion = request(demo, "textDocument/completion", tonumber(env.TOTEM_COMPLETION_LINE), tonumber(env.TOTEM_COMPLETION_CHAR))
out.completion = {}
for _, item in ipairs((completion and (completion.items or completion)) or {}) do
  table.insert(out.completion, item.label)
end

-- Formatting: unformatted.totem through Neovim's own formatting request (0.7: formatting_sync).
local messy = open("unformatted.totem")
vim.wait(5000, function()
  return vim.lsp.buf_is_attached(messy, client_id)
end, 20)
if vim.lsp.buf.format then
  vim.lsp.buf.format({ bufnr = messy, timeout_ms = 10000 })
else
  vim.lsp.buf.formatting_sync(nil, 10000)
end
out.formatted = table.concat(vim.api.nvim_buf_get_lines(messy, 0, -1, false), "\n") .. "\n"

local f = io.open(env.TOTEM_NVIM_OUT, "w")
f:write(vim.fn.json_encode(out))
f:close()
if client_id then
  vim.lsp.stop_client(client_id)
end
vim.cmd("qa!")
