import CPARCLI
