-- wrk script: GET a path built from the lines of $TARGETS, one after another.
-- Each line is a path (e.g. /api/places/798580039614 or /api/reverse?lon=..&lat=..).
local targets = {}
for line in io.lines(os.getenv("TARGETS")) do
  targets[#targets + 1] = line
end
local i = 0
request = function()
  i = i % #targets + 1
  return wrk.format("GET", targets[i])
end
