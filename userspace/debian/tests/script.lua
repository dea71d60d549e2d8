-- lua5.4: tables, closures, string library, coroutines, integers.
local t = {}
for i = 1, 10 do t[#t + 1] = i * i end
local function sum(list) local s = 0 for _, v in ipairs(list) do s = s + v end return s end
print("sum of squares", sum(t))
print(string.format("%5.2f", math.pi), ("hello"):upper(), #t, 7 // 2, 2^10)
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words)
print(table.concat(words, ","))
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print("coroutine", co(), co(), co())
local f = assert(io.open("/tmp/lua.txt", "w")) f:write("written by lua\n") f:close()
print(io.open("/tmp/lua.txt"):read("l"), math.type(1), math.type(1.0))
