#include "wire/data_reader.hpp"
