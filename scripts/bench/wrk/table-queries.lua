-- wrk script: the edition table with a query that never repeats during a run, so every request
-- misses the page cache (search, sort column, order and page size all change).
-- Request i (threads interleave: thread t sends i = t, t + n, t + 2n, …) asks for
--   q        = TERMS[i % 10]
--   tri      = SORTS[(i / 10) % 14]
--   ordre    = asc / desc by (i / 140) % 2
--   par_page = 10 + (i / 280) % 491
-- scripts/bench/table_queries.py builds the same URLs (mean page size of a run).
local TERMS = { "", "a", "e", "ca", "de", "in", "permis", "aide", "carte", "declaration" }
local SORTS = { "titre", "ministere", "online", "satisfaction", "handicap", "dlnuf", "usage", "simplicity",
                "help_reachable", "help_efficient", "help_used", "uptime", "performance", "auth" }
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
  for _, t in ipairs(threads) do t:set("n", #threads) end
end

function init(args)
  counter = id
end

function request()
  local i = counter
  counter = counter + n
  local q = TERMS[i % 10 + 1]
  local tri = SORTS[math.floor(i / 10) % 14 + 1]
  local ordre = (math.floor(i / 140) % 2 == 0) and "asc" or "desc"
  local par_page = 10 + math.floor(i / 280) % 491
  local path = wrk.path .. "?q=" .. q .. "&tri=" .. tri .. "&ordre=" .. ordre .. "&par_page=" .. par_page
  return wrk.format("GET", path)
end
