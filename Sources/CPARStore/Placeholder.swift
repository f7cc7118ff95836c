import CPARCore
