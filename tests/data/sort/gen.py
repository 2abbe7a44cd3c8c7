# Writes N rows of pseudo-random places and numbers (deterministic) for the spill tests.
import sys
n = int(sys.argv[1])
places = ["Östermalm", "akalla", "Akalla", "Åkersberga", "Älvsjö", "Täby", "Zinkensdamm", "", "Vällingby", "ö"]
x = 12345
print("seq,place,n,note")
for i in range(n):
    x = (x * 1103515245 + 12345) % (1 << 31)
    print(f'{i},{places[x % 10]},{(x >> 8) % 1000},"text, with a comma and ""quotes"" {x % 97}"')
