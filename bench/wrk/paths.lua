-- GET a list of paths in turn (one a line in the file given after --), each thread starting
-- at its own place in the list: the directory benchmark's mix of search pages.
--
-- wrk arguments (after --): paths_file

local paths, at = {}, 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(paths, line) end
  end
  assert(#paths > 0, "no paths in " .. args[1])
  at = ((thread_id or 1) * 7919) % #paths
end

function request()
  at = at % #paths + 1
  return wrk.format("GET", paths[at])
end
